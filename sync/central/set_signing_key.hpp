#pragma once
// The central's set-signing key (Ed25519, libsodium): every page of roster, denylist, keys and
// config is signed with it, and kiosks pin its public half at enrolment. The secret half lives in
// the central store (central_secrets), so every central process over one database signs alike.
// Pass issuer keys are a different key (sync/central/issuer_keys.*).

#include <string>

namespace doorpost::sync::central {

// The public key (hex) of a 64-byte libsodium Ed25519 secret key.
std::string setSigningPublicKeyHex(const std::string& secretKey);

} // namespace doorpost::sync::central
