#pragma once
// The one entry point for a code read: classify the text and verify it.
//   "DP1:..." Doorpost pass, "HC1:..." EU DCC, "TKT:..." or 6-16 digits an exam ticket,
//   18 characters shaped like a resident ID (17 digits + digit/X) a resident ID number,
//   anything else unrecognised (kept, bounded, for the log).

#include "kiosk/credentials/credential.hpp"
#include "kiosk/credentials/trust_set.hpp"

#include <cstdint>
#include <string_view>

namespace doorpost::kiosk::credentials {

struct VerifyContext {
    const TrustSet& trust;
    std::int64_t now = 0;         // decision clock, seconds since the epoch
    std::string_view subjectSalt; // deployment salt for subject keys (subject_key.hpp)
};

inline constexpr std::size_t kMaxStoredContent = 512;

CredentialResult verifyCode(std::string_view text, const VerifyContext& context);

} // namespace doorpost::kiosk::credentials
