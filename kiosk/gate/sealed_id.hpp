#pragma once
// Full ID numbers from manual registration are sealed to the central's public key (libsodium
// sealed box): only the central can open them, so a stolen kiosk reveals masked IDs only.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace doorpost::kiosk::gate {

// base64 of crypto_box_seal({"id": id, "name": name}) to `centralKey` (X25519).
std::string sealIdentity(std::string_view id, std::string_view name,
                         const std::array<std::uint8_t, 32>& centralKey);

} // namespace doorpost::kiosk::gate
