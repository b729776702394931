#include "sync/set_signature.hpp"

#include "storage/base/hex.hpp"

#include <sodium.h>

namespace doorpost::sync {

std::string signedBytes(const SetPage& page) {
    nlohmann::json upserts = nlohmann::json::array();
    for (const auto& item : page.upserts)
        upserts.push_back({item.key, item.value});
    std::string bytes = "doorpost-set-v1\n";
    bytes += page.set + '\n';
    bytes += std::to_string(page.cursor) + '\n';
    bytes += std::to_string(page.nextCursor) + '\n';
    bytes += page.snapshot ? "snapshot\n" : "delta\n";
    bytes += std::to_string(page.after) + '\n';
    bytes += std::to_string(page.nextAfter) + '\n';
    bytes += page.more ? "more\n" : "last\n";
    bytes += page.validUntil + '\n';
    bytes += dumpJson(upserts) + '\n';
    bytes += dumpJson(nlohmann::json(page.tombstones));
    return bytes;
}

Result<std::string> fromHex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return badInput("hex text has an odd length");
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = nibble(hex[i]);
        const int low = nibble(hex[i + 1]);
        if (high < 0 || low < 0)
            return badInput("hex text holds a non-hex character");
        out.push_back(static_cast<char>(high * 16 + low));
    }
    return out;
}

void signSetPage(SetPage& page, const std::string& secretKey) {
    const std::string bytes = signedBytes(page);
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(bytes.data()),
                         bytes.size(), reinterpret_cast<const unsigned char*>(secretKey.data()));
    page.signature = toHex(signature, sizeof signature);
}

bool verifySetPage(const SetPage& page, const std::string& publicKeyHex) {
    auto key = fromHex(publicKeyHex);
    auto signature = fromHex(page.signature);
    if (!key || !signature || key->size() != crypto_sign_PUBLICKEYBYTES ||
        signature->size() != crypto_sign_BYTES)
        return false;
    const std::string bytes = signedBytes(page);
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       bytes.size(),
                                       reinterpret_cast<const unsigned char*>(key->data())) == 0;
}

} // namespace doorpost::sync
