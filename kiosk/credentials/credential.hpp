#pragma once
// What verifying one code read yields: which kind of credential it is, how far each step of
// its pipeline got (reported as `checks` by `doorpost scan`), and the problems that make it
// not valid. Deciding what to do about it is policy's job (kiosk/policy/), not this one's.

#include "kiosk/credentials/reason.hpp"
#include "sync/pass/dp1.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::credentials {

// Each step: nullopt = not reached or not applicable; then true / false.
struct Checks {
    std::optional<bool> pictureDecode;
    std::optional<bool> unprefix;
    std::optional<bool> base45;
    std::optional<bool> compression;
    std::optional<bool> cose;
    std::optional<bool> cbor;
    std::optional<bool> signature;
    std::optional<bool> expiry;
    std::optional<bool> keyUsage;
};

enum class CredentialKind { Dp1, Hc1, Ticket, ResidentId, Unrecognised };
std::string_view credentialKindName(CredentialKind kind); // "dp1", "hc1", "ticket", ...
bool parseCredentialKind(std::string_view name, CredentialKind& out);

struct CredentialResult {
    CredentialKind kind = CredentialKind::Unrecognised;
    Checks checks;
    std::vector<Reason> problems; // empty: the credential itself is valid
    std::string message;          // the first problem in words, for logs and --json
    // What the credential says, as far as it was read:
    std::string issuer;
    std::string passId;     // DP1 sub / DCC certificate identifier
    std::string subjectKey; // hex; DP1 id hash, or the salted hash of an ID number
    std::string maskedId;
    std::string candidateNumber;                  // tickets
    std::optional<sync::pass::PassStatus> status; // DP1 only
    std::optional<std::int64_t> expiresAt;
    std::string content; // the raw text, kept for unrecognised codes (bounded)

    bool valid() const { return problems.empty(); }
    void fail(Reason reason, std::string why) {
        if (message.empty())
            message = std::move(why);
        problems.push_back(reason);
    }
};

} // namespace doorpost::kiosk::credentials
