#pragma once
// The one entry point for a code read: classify the text and verify it.
//   "DP1:..." Doorpost pass, "HC1:..." EU DCC, "TKT:..." or 6-16 digits an exam ticket,
//   18 characters shaped like a resident ID (17 digits + digit/X) a resident ID number,
//   anything else unrecognised (kept, bounded, for the log).

#include "kiosk/credentials/credential.hpp"
#include "kiosk/credentials/trust_set.hpp"
#include "sync/pass/subject_key.hpp"

#include <cstdint>
#include <string_view>

namespace doorpost::kiosk::credentials {

struct VerifyContext {
    const TrustSet& trust;
    std::int64_t now = 0; // decision clock, seconds since the epoch
    // The deployment's subject secret (subject_key.hpp); null: a resident ID gets no key.
    const sync::pass::SubjectSecret* subjectSecret = nullptr;
};

inline constexpr std::size_t kMaxStoredContent = 512;

CredentialResult verifyCode(std::string_view text, const VerifyContext& context);

} // namespace doorpost::kiosk::credentials
