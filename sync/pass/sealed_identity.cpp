#include "sync/pass/sealed_identity.hpp"

#include "storage/base/hex.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>
#include <vector>

namespace doorpost::sync::pass {

std::string sealKeyId(const SealPublicKey& publicKey) {
    constexpr std::string_view kDomain = "doorpost-seal-kid-v1";
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()),
                              kDomain.size());
    crypto_hash_sha256_update(&state, publicKey.data(), publicKey.size());
    std::array<std::uint8_t, 32> digest{};
    crypto_hash_sha256_final(&state, digest.data());
    return toHex(digest.data(), 8);
}

std::string sealIdentity(std::string_view id, std::string_view name,
                         const SealPublicKey& publicKey) {
    const std::string plain =
        nlohmann::json{{"id", std::string(id)}, {"name", std::string(name)}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::vector<std::uint8_t> sealed(plain.size() + crypto_box_SEALBYTES);
    crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), publicKey.data());
    std::string out(sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), sealed.data(), sealed.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1); // the terminating NUL sodium writes
    return out;
}

Result<OpenedIdentity> openSealedIdentity(std::string_view sealedBase64,
                                          const SealPublicKey& publicKey,
                                          const SealSecretKey& secretKey) {
    std::vector<std::uint8_t> sealed(sealedBase64.size());
    std::size_t length = 0;
    if (sodium_base642bin(sealed.data(), sealed.size(), sealedBase64.data(), sealedBase64.size(),
                          nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        length < crypto_box_SEALBYTES)
        return badInput("sealed_id: not a sealed box (base64)");
    std::string plain(length - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), sealed.data(), length,
                             publicKey.data(), secretKey.data()) != 0)
        return Error{ErrorKind::Negative, "sealed_id: not sealed to this key"};
    const auto json = nlohmann::json::parse(plain, nullptr, false);
    OpenedIdentity opened;
    if (!json.is_object() || !json.contains("id") || !json["id"].is_string())
        return badInput("sealed_id: the box does not hold an identity");
    opened.id = json["id"].get<std::string>();
    if (json.contains("name") && json["name"].is_string())
        opened.name = json["name"].get<std::string>();
    sodium_memzero(plain.data(), plain.size());
    return opened;
}

} // namespace doorpost::sync::pass
