#pragma once
// COSE signature checks over a Sig_structure with OpenSSL (ES256, PS256) and libsodium (EdDSA).

#include <cstdint>
#include <span>

struct evp_pkey_st;

namespace doorpost::kiosk::credentials {

enum class SignatureOutcome { Valid, Invalid, KeyTypeMismatch };

// ES256: `signature` is raw r||s (64 bytes, RFC 9053 §2.1), converted to DER for OpenSSL.
// PS256: RSASSA-PSS with SHA-256 and MGF1-SHA-256; salt length recovered from the signature.
SignatureOutcome verifyCoseSignature(std::int64_t alg, evp_pkey_st* key,
                                     std::span<const std::uint8_t> toBeSigned,
                                     std::span<const std::uint8_t> signature);

bool verifyEd25519(std::span<const std::uint8_t> publicKey,
                   std::span<const std::uint8_t> toBeSigned,
                   std::span<const std::uint8_t> signature);

} // namespace doorpost::kiosk::credentials
