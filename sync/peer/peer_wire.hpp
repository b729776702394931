#pragma once
// What travels between the doors of one site (docs/mesh.md, "Protocol"). There is one request,
//   GET /peer/v1/chain?epoch=E&after=SEQ&wait_ms=W
// asking a door for its own chain after SEQ, waiting up to W ms for new events when there are
// none. Both directions are signed with the doors' enrolment keys (storage/device_key.hpp), so
// plain HTTP on the LAN is enough for integrity: a door answers only doors the central put in its
// site, and believes only answers signed by the key the central published for the door it asked.
//
// The request's signature covers the method, the canonical target, a fresh random nonce and both
// door ids; the answer's covers its exact body bytes, which carry the nonce back, so an answer
// recorded earlier (or taken from another site) cannot be replayed as this one. Each text is
// prefixed with its own domain string, so neither signature can pass for the other or for an
// export manifest signed with the same key.

#include "storage/base/result.hpp"
#include "storage/device_key.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace doorpost::sync::peer {

inline constexpr std::string_view kChainPath = "/peer/v1/chain";
// Request headers: who asks, its nonce, its signature. The answer carries kSignatureHeader too.
inline constexpr const char* kDeviceHeader = "Doorpost-Peer-Device";
inline constexpr const char* kNonceHeader = "Doorpost-Peer-Nonce";
inline constexpr const char* kSignatureHeader = "Doorpost-Peer-Signature";
// The longest a request may ask the server to hold it waiting for news.
inline constexpr std::int64_t kMaxWaitMs = 1000;
// Device ids in headers and bodies: what an enrolled id or a "dev-" id can be, no more.
inline constexpr std::size_t kMaxDeviceIdBytes = 128;

struct ChainQuery {
    std::string epoch;       // the chain the asker holds (empty: none yet)
    std::int64_t after = 0;  // the last seq it holds of that epoch
    std::int64_t waitMs = 0; // 0..kMaxWaitMs
};

// "/peer/v1/chain?epoch=E&after=N&wait_ms=W", the one spelling both ends sign.
std::string chainTarget(const ChainQuery& query);
// From the query's raw parameter values; BadInput naming the parameter when one is malformed.
Result<ChainQuery> parseChainQuery(const std::string& epoch, const std::string& after,
                                   const std::string& waitMs);

// True for 1..kMaxDeviceIdBytes of [A-Za-z0-9._-].
bool isDeviceId(std::string_view text);
// A nonce: 32 lowercase hex chars (16 random bytes).
std::string newNonce();
bool isNonce(std::string_view text);

// The text a request's signature covers.
std::string requestSigningText(const ChainQuery& query, std::string_view nonce,
                               std::string_view requester, std::string_view server);
std::string signRequest(const storage::DeviceKey& key, const ChainQuery& query,
                        std::string_view nonce, std::string_view requester,
                        std::string_view server);
bool verifyRequest(std::string_view requesterKeyHex, const ChainQuery& query,
                   std::string_view nonce, std::string_view requester, std::string_view server,
                   std::string_view signatureHex);

// An answer's signature covers these exact body bytes.
std::string signAnswer(const storage::DeviceKey& key, std::string_view body);
bool verifyAnswer(std::string_view serverKeyHex, std::string_view body,
                  std::string_view signatureHex);

} // namespace doorpost::sync::peer

namespace doorpost::sync::peer {

// "HOST:PORT" (IPv6 as "[::1]:PORT") as given to --mesh-listen, --mesh-peer and the site set.
struct HostPort {
    std::string host; // without brackets
    int port = 0;
};
Result<HostPort> parseHostPort(std::string_view text);
// "http://HOST:PORT" for libcurl (brackets back around an IPv6 host).
std::string baseUrl(const HostPort& address);

} // namespace doorpost::sync::peer
