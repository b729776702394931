#include "storage/device_key.hpp"

#include "storage/event.hpp"

#include <sodium.h>

namespace doorpost::storage {

namespace {

constexpr std::string_view kSeedKey = "device_sign_seed";
constexpr std::string_view kPublicKey = "device_public_key";

// Rebuilds the key pair from the stored seed, and checks it against the stored public key so a
// half-edited meta table is reported rather than signing with a key nobody enrolled.
Result<DeviceKey> fromStored(const std::string& seedHex, const std::string& publicHex) {
    std::uint8_t seed[crypto_sign_SEEDBYTES];
    if (!fromHex(seedHex, seed, sizeof seed)) {
        return environmentFault("storage fault: meta device_sign_seed is not 32 bytes of hex");
    }
    DeviceKey key;
    std::uint8_t publicKey[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(publicKey, key.secretKey.data(), seed);
    sodium_memzero(seed, sizeof seed);
    key.publicKeyHex = toHex(publicKey, sizeof publicKey);
    if (key.publicKeyHex != publicHex) {
        return environmentFault(
            "storage fault: meta device_public_key does not match device_sign_seed");
    }
    return key;
}

Result<std::optional<DeviceKey>> readStored(Database& db) {
    auto seed = db.meta(kSeedKey);
    if (!seed) {
        return seed.error();
    }
    auto publicKey = db.meta(kPublicKey);
    if (!publicKey) {
        return publicKey.error();
    }
    if (!seed->has_value() || !publicKey->has_value()) {
        return std::optional<DeviceKey>();
    }
    auto key = fromStored(**seed, **publicKey);
    if (!key) {
        return key.error();
    }
    return std::optional<DeviceKey>(std::move(*key));
}

} // namespace

Result<DeviceKey> loadOrCreateDeviceKey(Database& db) {
    if (sodium_init() < 0) {
        return environmentFault("libsodium could not be initialised");
    }
    auto existing = readStored(db);
    if (!existing) {
        return existing.error();
    }
    if (existing->has_value()) {
        return std::move(**existing);
    }
    // Another connection may create the key between our read and our write: the write lock of
    // BEGIN IMMEDIATE serialises creators, and the second one finds the first one's key.
    auto tx = Transaction::begin(db);
    if (!tx) {
        return tx.error();
    }
    auto again = readStored(db);
    if (!again) {
        return again.error();
    }
    if (again->has_value()) {
        return std::move(**again);
    }
    std::uint8_t seed[crypto_sign_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    const std::string seedHex = toHex(seed, sizeof seed);
    DeviceKey key;
    std::uint8_t publicKey[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(publicKey, key.secretKey.data(), seed);
    sodium_memzero(seed, sizeof seed);
    key.publicKeyHex = toHex(publicKey, sizeof publicKey);
    if (auto stored = db.setMeta(kSeedKey, seedHex); !stored) {
        return stored.error();
    }
    if (auto stored = db.setMeta(kPublicKey, key.publicKeyHex); !stored) {
        return stored.error();
    }
    if (auto committed = tx->commit(); !committed) {
        return committed.error();
    }
    return key;
}

Result<std::string> devicePublicKey(Database& db) {
    auto key = loadOrCreateDeviceKey(db);
    if (!key) {
        return key.error();
    }
    return key->publicKeyHex;
}

std::string signDetached(const DeviceKey& key, std::string_view message) {
    std::uint8_t signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), key.secretKey.data());
    return toHex(signature, sizeof signature);
}

bool verifyDetached(std::string_view publicKeyHex, std::string_view message,
                    std::string_view signatureHex) {
    if (sodium_init() < 0) {
        return false;
    }
    std::uint8_t publicKey[crypto_sign_PUBLICKEYBYTES];
    std::uint8_t signature[crypto_sign_BYTES];
    if (publicKeyHex.size() != 2 * sizeof publicKey ||
        signatureHex.size() != 2 * sizeof signature ||
        !fromHex(publicKeyHex, publicKey, sizeof publicKey) ||
        !fromHex(signatureHex, signature, sizeof signature)) {
        return false;
    }
    return crypto_sign_verify_detached(signature,
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), publicKey) == 0;
}

} // namespace doorpost::storage
