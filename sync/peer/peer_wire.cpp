#include "sync/peer/peer_wire.hpp"

#include "storage/event.hpp"
#include "sync/protocol.hpp"

#include <cctype>
#include <charconv>

namespace doorpost::sync::peer {
namespace {

constexpr std::string_view kRequestDomain = "doorpost-peer-request-v1";
constexpr std::string_view kAnswerDomain = "doorpost-peer-answer-v1";

bool isLowerHex(std::string_view text) {
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// A non-negative decimal of at most 18 digits (no sign, no spaces): what a seq or a wait is.
bool parseCount(const std::string& text, std::int64_t& out) {
    if (text.empty() || text.size() > 18)
        return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

} // namespace

std::string chainTarget(const ChainQuery& query) {
    return std::string(kChainPath) + "?epoch=" + query.epoch +
           "&after=" + std::to_string(query.after) + "&wait_ms=" + std::to_string(query.waitMs);
}

Result<ChainQuery> parseChainQuery(const std::string& epoch, const std::string& after,
                                   const std::string& waitMs) {
    ChainQuery query;
    // An epoch is 32 hex chars (storage: 16 random bytes); empty asks for whatever the door has.
    if (!epoch.empty() && (epoch.size() != 32 || !isLowerHex(epoch)))
        return badInput("parameter epoch: not 32 lowercase hex chars");
    query.epoch = epoch;
    if (!parseCount(after, query.after))
        return badInput("parameter after: not a seq");
    if (!parseCount(waitMs, query.waitMs) || query.waitMs > kMaxWaitMs)
        return badInput("parameter wait_ms: not 0.." + std::to_string(kMaxWaitMs));
    return query;
}

bool isDeviceId(std::string_view text) {
    if (text.empty() || text.size() > kMaxDeviceIdBytes)
        return false;
    for (const char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

std::string newNonce() {
    return storage::randomHex(16);
}

bool isNonce(std::string_view text) {
    return text.size() == 32 && isLowerHex(text);
}

std::string requestSigningText(const ChainQuery& query, std::string_view nonce,
                               std::string_view requester, std::string_view server) {
    std::string text(kRequestDomain);
    text += "\nGET\n";
    text += chainTarget(query);
    text += '\n';
    text += nonce;
    text += '\n';
    text += requester;
    text += '\n';
    text += server;
    return text;
}

std::string signRequest(const storage::DeviceKey& key, const ChainQuery& query,
                        std::string_view nonce, std::string_view requester,
                        std::string_view server) {
    return storage::signDetached(key, requestSigningText(query, nonce, requester, server));
}

bool verifyRequest(std::string_view requesterKeyHex, const ChainQuery& query,
                   std::string_view nonce, std::string_view requester, std::string_view server,
                   std::string_view signatureHex) {
    return storage::verifyDetached(
        requesterKeyHex, requestSigningText(query, nonce, requester, server), signatureHex);
}

std::string signAnswer(const storage::DeviceKey& key, std::string_view body) {
    std::string text(kAnswerDomain);
    text += '\n';
    text += body;
    return storage::signDetached(key, text);
}

bool verifyAnswer(std::string_view serverKeyHex, std::string_view body,
                  std::string_view signatureHex) {
    std::string text(kAnswerDomain);
    text += '\n';
    text += body;
    return storage::verifyDetached(serverKeyHex, text, signatureHex);
}

} // namespace doorpost::sync::peer

namespace doorpost::sync::peer {

Result<HostPort> parseHostPort(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return badInput("address " + std::string(text) + ": not HOST:PORT");
    std::string host(text.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string::npos)
        return badInput("address " + std::string(text) + ": an IPv6 host goes in brackets");
    for (const char c : host)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':')
            return badInput("address " + std::string(text) + ": bad host");
    std::int64_t port = 0;
    const std::string portText(text.substr(colon + 1));
    if (!parseCount(portText, port) || port > 65535)
        return badInput("address " + std::string(text) + ": port is not 0..65535");
    return HostPort{host, static_cast<int>(port)};
}

std::string baseUrl(const HostPort& address) {
    const bool v6 = address.host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + address.host + "]" : address.host) + ":" +
           std::to_string(address.port);
}

} // namespace doorpost::sync::peer
