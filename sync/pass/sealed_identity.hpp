#pragma once
// Full ID numbers from manual registration travel sealed (libsodium sealed box, X25519) to one
// of the central's sealing keys. The secret half of each key is in an auditor's custody
// (sync/central/cli/sealing_key_file.hpp), never with the serving central; the central's auditor
// export opens boxes with it.
//
// A box names the key it was sealed to by `seal_kid` beside it in the event's detail, so that
// after a rotation the opener knows which auditor file a box needs. Boxes from before seal_kid
// carry none; the opener tries the keys it was given.

#include "storage/base/result.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace doorpost::sync::pass {

using SealPublicKey = std::array<std::uint8_t, 32>;
using SealSecretKey = std::array<std::uint8_t, 32>;

// 16 hex digits: the first 8 bytes of SHA-256("doorpost-seal-kid-v1" || public key).
std::string sealKeyId(const SealPublicKey& publicKey);

// base64 of crypto_box_seal({"id": id, "name": name}) to `publicKey`.
std::string sealIdentity(std::string_view id, std::string_view name,
                         const SealPublicKey& publicKey);

struct OpenedIdentity {
    std::string id;
    std::string name;
};

// Negative when the box was not sealed to this key pair (or was altered); BadInput when it is
// not base64 or what it holds is not the sealed JSON.
Result<OpenedIdentity> openSealedIdentity(std::string_view sealedBase64,
                                          const SealPublicKey& publicKey,
                                          const SealSecretKey& secretKey);

} // namespace doorpost::sync::pass
