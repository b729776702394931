#include "kiosk/gate/checks_json.hpp"

#include "storage/base/iso_time.hpp"

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

nlohmann::json alreadyAdmittedJson(const policy::PriorAdmission& prior) {
    nlohmann::json out = {{"at", formatIsoTime(prior.at)}, {"door", prior.door}};
    if (prior.throughPeer()) {
        out["peer_device"] = prior.peerDevice;
        out["peer_seq"] = prior.peerSeq;
    }
    return out;
}

} // namespace doorpost::kiosk::gate
