#include "sync/central/set_signing_key.hpp"

#include "storage/base/hex.hpp"
#include "sync/central/central_store.hpp"
#include "sync/set_signature.hpp"

#include <sodium.h>

namespace doorpost::sync::central {

std::string setSigningPublicKeyHex(const std::string& secretKey) {
    unsigned char publicKey[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(publicKey,
                                 reinterpret_cast<const unsigned char*>(secretKey.data()));
    return toHex(publicKey, sizeof publicKey);
}

Result<std::string> CentralStore::setSigningSecretKey() {
    std::lock_guard lock(m_mutex);
    // Read every time, not cached: another central over the same database may rotate it.
    auto existing =
        m_session->run("SELECT value FROM central_secrets WHERE name = 'set_signing_key'");
    if (!existing)
        return existing.error();
    if (existing->empty()) {
        unsigned char publicKey[crypto_sign_PUBLICKEYBYTES];
        unsigned char secretKey[crypto_sign_SECRETKEYBYTES];
        crypto_sign_keypair(publicKey, secretKey);
        // Whoever inserts first wins; everyone then reads the same key.
        auto inserted = m_session->run(
            "INSERT INTO central_secrets (name, value) VALUES ('set_signing_key', $1)"
            " ON CONFLICT (name) DO NOTHING",
            {toHex(secretKey, sizeof secretKey)});
        sodium_memzero(secretKey, sizeof secretKey);
        if (!inserted)
            return inserted.error();
        existing =
            m_session->run("SELECT value FROM central_secrets WHERE name = 'set_signing_key'");
        if (!existing)
            return existing.error();
    }
    if (existing->empty())
        return environmentFault("set signing key vanished from the store");
    auto bytes = fromHex(existing->text(0, 0));
    if (!bytes || bytes->size() != crypto_sign_SECRETKEYBYTES)
        return environmentFault("set signing key in the store is malformed");
    return std::move(*bytes);
}

} // namespace doorpost::sync::central
