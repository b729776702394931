#pragma once
// The auditor's sealing key file: the secret half of one of the central's sealing keys
// (sync/pass/sealed_identity.hpp), protected by a passphrase, kept by the auditor and never by the
// serving central. `doorpost-central keys --sealing-key-out FILE` writes it; the auditor's
// export (`doorpost-central export --unmask --sealing-key FILE`) opens it.
//
//   {"format": "doorpost-sealing-key-v1", "kid", "public_key" (hex), "created_at" (s),
//    "kdf": {"alg": "argon2id13", "opslimit", "memlimit", "salt" (hex)},
//    "nonce" (hex), "box" (hex: crypto_secretbox of the 32-byte X25519 secret key)}
//
// The box key is argon2id(passphrase, salt); a wrong passphrase fails the box's MAC. After
// opening, the secret must give the file's public key (X25519 base point), so an edited public
// key or kid is caught too.

#include "storage/base/result.hpp"
#include "sync/pass/sealed_identity.hpp"

#include <cstdint>
#include <string>

namespace doorpost::sync::central::cli {

inline constexpr const char* kSealingKeyFormat = "doorpost-sealing-key-v1";
inline constexpr const char* kPassphraseEnv = "DOORPOST_SEALING_PASSPHRASE";

struct SealingKeyPair {
    std::string kid;
    pass::SealPublicKey publicKey{};
    pass::SealSecretKey secretKey{};
    std::int64_t createdAt = 0;
};

// Writes the file (it must not exist; 0600, complete or absent). BadInput when it exists or
// the passphrase is shorter than 8 bytes; Environment when it cannot be written.
Result<void> writeSealingKeyFile(const std::string& path, const SealingKeyPair& pair,
                                 const std::string& passphrase);

// BadInput naming the file: unreadable format, or "wrong passphrase".
Result<SealingKeyPair> readSealingKeyFile(const std::string& path, const std::string& passphrase);

// The passphrase from --passphrase-file (its first line) or else $DOORPOST_SEALING_PASSPHRASE;
// BadInput naming both when neither is given.
Result<std::string> sealingPassphrase(const std::string& passphraseFile);

} // namespace doorpost::sync::central::cli
