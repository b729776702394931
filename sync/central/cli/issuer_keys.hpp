#pragma once
// The central's pass-issuing keys, kept as files in its data dir:
//
//   <data-dir>/keys/issuer-<kid>.json  one Ed25519 issuer key each (mode 0600):
//                                      {"kid", "public_key", "secret_key", "created_at"}
//   <data-dir>/keys/active             the kid (hex) of the key new passes are signed with
//   <data-dir>/keys/seal.json          the PUBLIC halves of the X25519 keys kiosks seal full ID
//                                      numbers to, every one ever made (boxes sealed before a
//                                      rotation name theirs): {"active": kid, "keys": [{"kid",
//                                      "public_key", "created_at"}...]}. The secret halves are
//                                      in auditors' files (sealing_key_file.hpp), not here.
//                                      An older central kept {"public_key", "secret_key"} here:
//                                      read as one key, and `keys --sealing-key-out FILE`
//                                      moves that secret out into FILE.
//   <data-dir>/keys/public-keys.json   what kiosks trust (`doorpost trust add-key FILE`):
//       {"issuer_keys": [{"kid", "public_key", "created_at", "active"}...],
//        "seal_public_key", "seal_kid", "valid_until"}
// The subject secret is not here: it is in the store (CentralStore::subjectSecret).
//
// Rotation makes a new key active and keeps the old ones published, so passes signed before
// the rotation verify until they expire. Files are written to a temporary name and renamed,
// so a crash never leaves half a key.

#include "storage/base/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync::central::cli {

struct SealKey {
    std::string kid; // sync::pass::sealKeyId
    std::array<std::uint8_t, 32> publicKey{};
    std::int64_t createdAt = 0;
    bool active = false;
};

struct IssuerKey {
    std::string kid; // hex of the 8-byte key id
    std::array<std::uint8_t, 32> publicKey{};
    std::array<std::uint8_t, 64> secretKey{};
    std::int64_t createdAt = 0;
    bool active = false;
};

class IssuerKeyStore {
public:
    // Reads what is there; creates the folder when missing.
    static Result<IssuerKeyStore> open(const std::string& dataDir);

    // Creates a new issuer key and makes it active (the first one, or a rotation).
    Result<IssuerKey> rotate();
    // The active key; BadInput "no issuer key" when `keys` has not been run.
    Result<IssuerKey> active() const;
    const std::vector<IssuerKey>& keys() const { return m_keys; }
    // Every sealing key, oldest first; the active one is what kiosks seal to.
    const std::vector<SealKey>& sealKeys() const { return m_sealKeys; }
    // An older central's seal.json still holds the secret half.
    bool holdsSealSecret() const { return m_legacySealSecret.has_value(); }
    // The first sealing key or a rotation: the pair is made here, its secret half written to
    // `outFile` under `passphrase` (sealing_key_file.hpp) and forgotten, the public half kept
    // and published. When seal.json still holds an older central's secret, that secret is
    // moved out into `outFile` instead (and removed from seal.json): rotate afterwards.
    Result<SealKey> newSealingKey(const std::string& outFile, const std::string& passphrase);
    const std::string& publicKeysPath() const { return m_publicKeysPath; }

private:
    Result<void> writePublicKeys() const;
    std::string m_dir;
    std::string m_publicKeysPath;
    std::vector<IssuerKey> m_keys;
    Result<void> writeSealKeys() const;
    std::vector<SealKey> m_sealKeys;
    std::optional<std::array<std::uint8_t, 32>> m_legacySealSecret;
};

} // namespace doorpost::sync::central::cli
