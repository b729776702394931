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

std::string normaliseIdNumber(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::string maskIdNumber(std::string_view normalised) {
    if (normalised.size() <= 4)
        return std::string(normalised.size(), '*');
    if (normalised.size() >= 12)
        return std::string(normalised.substr(0, 4)) + std::string(normalised.size() - 8, '*') +
               std::string(normalised.substr(normalised.size() - 4));
    return std::string(normalised.substr(0, 1)) + std::string(normalised.size() - 3, '*') +
           std::string(normalised.substr(normalised.size() - 2));
}

std::string toHex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0xF];
    }
    return out;
}

} // namespace doorpost::sync::pass
