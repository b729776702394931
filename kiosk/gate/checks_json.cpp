#include "kiosk/gate/checks_json.hpp"

namespace doorpost::kiosk::gate {

nlohmann::json checksJson(const credentials::Checks& c) {
    const auto value = [](const std::optional<bool>& v) -> nlohmann::json {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"picture_decode", value(c.pictureDecode)},
            {"unprefix", value(c.unprefix)},
            {"base45", value(c.base45)},
            {"compression", value(c.compression)},
            {"cose", value(c.cose)},
            {"cbor", value(c.cbor)},
            {"signature", value(c.signature)},
            {"expiry", value(c.expiry)},
            {"key_usage", value(c.keyUsage)}};
}

} // namespace doorpost::kiosk::gate
