#pragma once
// The central's pass-issuing keys, kept as files in its data dir:
//
//   <data-dir>/keys/issuer-<kid>.json  one Ed25519 issuer key each (mode 0600):
//                                      {"kid", "public_key", "secret_key", "created_at"}
//   <data-dir>/keys/active             the kid (hex) of the key new passes are signed with
//   <data-dir>/keys/seal.json          the X25519 key kiosks seal full ID numbers to (0600)
//   <data-dir>/keys/subject_salt       the deployment salt of subject keys (hex, 0600)
//   <data-dir>/keys/public-keys.json   what kiosks trust (`doorpost trust add-key FILE`):
//       {"issuer_keys": [{"kid", "public_key", "created_at", "active"}...],
//        "seal_public_key", "subject_salt", "valid_until"}
//
// Rotation makes a new key active and keeps the old ones published, so passes signed before
// the rotation verify until they expire. Files are written to a temporary name and renamed,
// so a crash never leaves half a key.

#include "storage/base/result.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::sync::central::cli {

struct IssuerKey {
    std::string kid; // hex of the 8-byte key id
    std::array<std::uint8_t, 32> publicKey{};
    std::array<std::uint8_t, 64> secretKey{};
    std::int64_t createdAt = 0;
    bool active = false;
};

class IssuerKeyStore {
public:
    // Reads what is there; creates the folder, the seal key and the salt when missing.
    static Result<IssuerKeyStore> open(const std::string& dataDir);

    // Creates a new issuer key and makes it active (the first one, or a rotation).
    Result<IssuerKey> rotate();
    // The active key; BadInput "no issuer key" when `keys` has not been run.
    Result<IssuerKey> active() const;
    const std::vector<IssuerKey>& keys() const { return m_keys; }
    const std::string& subjectSalt() const { return m_salt; }
    const std::string& publicKeysPath() const { return m_publicKeysPath; }

private:
    Result<void> writePublicKeys() const;
    std::string m_dir;
    std::string m_publicKeysPath;
    std::vector<IssuerKey> m_keys;
    std::array<std::uint8_t, 32> m_sealPublic{};
    std::string m_salt;
};

} // namespace doorpost::sync::central::cli
