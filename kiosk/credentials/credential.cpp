#include "kiosk/credentials/credential.hpp"

#include <array>

namespace doorpost::kiosk::credentials {
namespace {
constexpr std::array<std::string_view, 5> kNames = {"dp1", "hc1", "ticket", "resident_id",
                                                    "unrecognised"};
}

std::string_view credentialKindName(CredentialKind kind) {
    return kNames[static_cast<std::size_t>(kind)];
}

bool parseCredentialKind(std::string_view name, CredentialKind& out) {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i] == name) {
            out = static_cast<CredentialKind>(i);
            return true;
        }
    }
    return false;
}

} // namespace doorpost::kiosk::credentials
