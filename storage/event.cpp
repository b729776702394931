#include "storage/event.hpp"

#include "storage/json_syntax.hpp"

#include <openssl/evp.h>
#include <sodium.h>

namespace doorpost::storage {

namespace {

constexpr std::string_view kDomain = "doorpost-log-v1";

void appendBe(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((value >> shift) & 0xff));
    }
}

// A length-prefixed string: 4-byte big-endian byte count, then the UTF-8 bytes.
void appendLp(std::string& out, std::string_view text) {
    appendBe(out, text.size(), 4);
    out.append(text);
}

bool isReasonCode(std::string_view code) {
    if (code.empty()) {
        return false;
    }
    for (const char c : code) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// canonical(event), appended to `out` (the hash input is built in one buffer).
void appendCanonical(std::string& out, const Event& event) {
    appendLp(out, event.eventId);
    appendBe(out, static_cast<std::uint64_t>(event.wallTimeMs), 8);
    appendBe(out, static_cast<std::uint64_t>(event.monotonicMs), 8);
    appendLp(out, event.bootId);
    appendLp(out, toString(event.kind));
    appendLp(out, event.credentialType);
    appendLp(out, event.subjectKey);
    appendLp(out, event.maskedId);
    appendLp(out, toString(event.verdict));
    appendBe(out, event.reasons.size(), 4);
    for (const auto& reason : event.reasons) {
        appendLp(out, reason);
    }
    appendLp(out, event.operatorId);
    appendLp(out, event.detail);
}

// SHA-256 fetched from OpenSSL's provider once per process. OpenSSL 3's one-shot SHA256()
// looks the algorithm up again on every call (EVP_Q_digest): measured with callgrind, that
// lookup and its context were most of an event hash and a fifth of an append. The static is
// initialised once, thread-safely; a fetched EVP_MD may be shared by threads.
const EVP_MD* sha256() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

} // namespace

std::string_view toString(EventKind kind) {
    switch (kind) {
    case EventKind::Scan:
        return "scan";
    case EventKind::Manual:
        return "manual";
    case EventKind::Operator:
        return "operator";
    case EventKind::System:
        return "system";
    }
    return "system";
}

std::optional<EventKind> parseEventKind(std::string_view text) {
    for (const auto kind :
         {EventKind::Scan, EventKind::Manual, EventKind::Operator, EventKind::System}) {
        if (toString(kind) == text) {
            return kind;
        }
    }
    return std::nullopt;
}

Result<void> validateDraft(const EventDraft& draft) {
    for (const auto& code : draft.reasons) {
        if (!isReasonCode(code)) {
            return badInput("reasons: '" + code + "' is not a reason code ([a-z0-9_.-]+)");
        }
    }
    for (const std::string* field : {&draft.credentialType, &draft.subjectKey, &draft.maskedId,
                                     &draft.operatorId, &draft.detail}) {
        if (field->find('\0') != std::string::npos) {
            return badInput("event: text fields must not contain NUL bytes");
        }
    }
    // A syntax check only, no document built: the gate calls this for every event appended.
    if (!isJsonObjectText(draft.detail)) {
        return badInput("detail: must be a JSON object");
    }
    return {};
}

std::string canonical(const Event& event) {
    std::string out;
    out.reserve(256 + event.detail.size());
    appendCanonical(out, event);
    return out;
}

std::string eventHash(const Event& event) {
    Hash prev{};
    if (!fromHex(event.prevHash, prev.data(), prev.size())) {
        return {};
    }
    std::string input;
    input.reserve(kDomain.size() + 512 + event.detail.size());
    input.append(kDomain);
    appendLp(input, event.deviceId);
    appendLp(input, event.epoch);
    appendBe(input, static_cast<std::uint64_t>(event.seq), 8);
    appendCanonical(input, event);
    input.append(reinterpret_cast<const char*>(prev.data()), prev.size());
    // OpenSSL's SHA-256 uses the CPU's SHA extensions where present: a few times faster than
    // libsodium's portable code, and the gate hashes once per event.
    const EVP_MD* md = sha256();
    Hash digest{};
    unsigned int size = 0;
    if (md == nullptr ||
        EVP_Digest(input.data(), input.size(), digest.data(), &size, md, nullptr) != 1 ||
        size != digest.size()) {
        return {};
    }
    return toHex(digest.data(), digest.size());
}

std::string joinReasons(const std::vector<std::string>& reasons) {
    std::string joined;
    for (const auto& reason : reasons) {
        if (!joined.empty()) {
            joined.push_back(',');
        }
        joined.append(reason);
    }
    return joined;
}

std::vector<std::string> splitReasons(std::string_view joined) {
    std::vector<std::string> reasons;
    while (!joined.empty()) {
        const auto comma = joined.find(',');
        reasons.emplace_back(joined.substr(0, comma));
        if (comma == std::string_view::npos) {
            break;
        }
        joined.remove_prefix(comma + 1);
    }
    return reasons;
}

std::string randomHex(std::size_t bytes) {
    // sodium_init is idempotent and thread-safe; it must precede randombytes on some systems.
    if (sodium_init() < 0) {
        return {};
    }
    std::vector<std::uint8_t> buffer(bytes);
    randombytes_buf(buffer.data(), buffer.size());
    return toHex(buffer.data(), buffer.size());
}

} // namespace doorpost::storage
