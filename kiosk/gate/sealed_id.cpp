#include "kiosk/gate/sealed_id.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>
#include <vector>

namespace doorpost::kiosk::gate {

std::string sealIdentity(std::string_view id, std::string_view name,
                         const std::array<std::uint8_t, 32>& centralKey) {
    const std::string plain =
        nlohmann::json{{"id", std::string(id)}, {"name", std::string(name)}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::vector<std::uint8_t> sealed(plain.size() + crypto_box_SEALBYTES);
    crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), centralKey.data());
    std::string out(sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), sealed.data(), sealed.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1); // the terminating NUL sodium writes
    return out;
}

} // namespace doorpost::kiosk::gate
