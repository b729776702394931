#include "sync/pass/subject_key.hpp"

#include <sodium.h>

namespace doorpost::sync::pass {

SubjectKey subjectKey(std::string_view normalisedId, std::string_view salt) {
    constexpr std::string_view kDomain = "doorpost-subject-v1";
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    const auto feed = [&state](std::string_view part) {
        crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                  part.size());
    };
    feed(kDomain);
    // Length-prefix the salt so (salt, id) pairs cannot collide by shifting bytes between them.
    const std::string saltLength = std::to_string(salt.size()) + ":";
    feed(saltLength);
    feed(salt);
    feed(normalisedId);
    SubjectKey key{};
    crypto_hash_sha256_final(&state, key.data());
    return key;
}

} // namespace doorpost::sync::pass
