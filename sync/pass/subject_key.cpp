#include "sync/pass/subject_key.hpp"

#include "storage/base/hex.hpp"

#include <sodium.h>

namespace doorpost::sync::pass {
namespace {

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

} // namespace

Result<SubjectKey> subjectKey(std::string_view normalisedId, const SubjectSecret& secret) {
    // The version names the parameters too (kSubjectKeyVersion): a key of another version never
    // equals one of this version, whatever the parameters.
    constexpr std::string_view kSaltDomain = "doorpost-subject-salt-v3";
    constexpr std::string_view kKeyDomain = "doorpost-subject-v3";
    static_assert(kSubjectKeyVersion == 3, "the domain strings name the version");
    // The argon2id salt depends on the secret, so precomputation without it is impossible too.
    std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
    crypto_generichash(salt.data(), salt.size(), bytes(kSaltDomain), kSaltDomain.size(),
                       secret.data(), secret.size());
    std::array<unsigned char, 32> stretched{};
    if (crypto_pwhash(stretched.data(), stretched.size(),
                      reinterpret_cast<const char*>(normalisedId.data()), normalisedId.size(),
                      salt.data(), kSubjectOpsLimit, kSubjectMemLimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return environmentFault("subject key: argon2id could not get its memory");
    crypto_generichash_state state;
    crypto_generichash_init(&state, secret.data(), secret.size(), 32);
    crypto_generichash_update(&state, bytes(kKeyDomain), kKeyDomain.size());
    crypto_generichash_update(&state, stretched.data(), stretched.size());
    SubjectKey key{};
    crypto_generichash_final(&state, key.data(), key.size());
    sodium_memzero(stretched.data(), stretched.size());
    return key;
}

SubjectKey plainSubjectKey(std::string_view text, std::string_view salt) {
    constexpr std::string_view kDomain = "doorpost-subject-v1";
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    const auto feed = [&state](std::string_view part) {
        crypto_hash_sha256_update(&state, bytes(part), part.size());
    };
    feed(kDomain);
    // Length-prefix the salt so (salt, text) pairs cannot collide by shifting bytes between them.
    const std::string saltLength = std::to_string(salt.size()) + ":";
    feed(saltLength);
    feed(salt);
    feed(text);
    SubjectKey key{};
    crypto_hash_sha256_final(&state, key.data());
    return key;
}

SubjectSecret newSubjectSecret() {
    SubjectSecret secret{};
    randombytes_buf(secret.data(), secret.size());
    return secret;
}

std::optional<SubjectSecret> subjectSecretFromHex(std::string_view hex) {
    SubjectSecret secret{};
    if (!fromHex(hex, secret))
        return std::nullopt;
    return secret;
}

} // namespace doorpost::sync::pass
