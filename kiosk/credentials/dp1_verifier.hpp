#pragma once
// Doorpost pass ("DP1:") verification: envelope steps, DP1 claims, EdDSA only, the signature
// against every trusted issuer key with the kid, the validity window and the deny list.

#include "kiosk/credentials/credential.hpp"
#include "kiosk/credentials/trust_set.hpp"

#include <cstdint>
#include <string_view>

namespace doorpost::kiosk::credentials {

// How far a kiosk clock may run behind the central's before a fresh pass looks "not yet
// valid". Kiosks sync their clock offset, but a door should not refuse a pass issued a
// minute ago because its clock is a minute slow.
inline constexpr std::int64_t kDp1ClockSkewSeconds = 300;

CredentialResult verifyDp1(std::string_view text, const TrustSet& trust, std::int64_t now);

} // namespace doorpost::kiosk::credentials
