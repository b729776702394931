#pragma once
// EU Digital COVID Certificate ("HC1:") verification: the envelope steps, then the signature
// against every trusted DSC with the kid (kids collide: 8 bytes of a hash, and countries have
// published several DSCs with one kid), the DSC's own validity, the CWT times and the DSC's
// extended key usage against the certificate type (vaccination, test, recovery).

#include "kiosk/credentials/credential.hpp"
#include "kiosk/credentials/trust_set.hpp"

#include <cstdint>
#include <string_view>

namespace doorpost::kiosk::credentials {

inline constexpr std::string_view kHc1Prefix = "HC1:";

// `now` is seconds since the epoch: the decision clock (`scan --at` sets it).
CredentialResult verifyHc1(std::string_view text, const TrustSet& trust, std::int64_t now);

} // namespace doorpost::kiosk::credentials
