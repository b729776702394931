#include "sync/chain_head_answer.hpp"

#include <limits>

namespace doorpost::sync {
namespace {

Error malformed(const std::string& field, const std::string& what) {
    return badInput("--central: malformed chain-head answer: " + field + " " + what);
}

// A string field of at most kMaxCentralText characters; `nullable` lets null read as "".
Result<std::string> textField(const nlohmann::json& object, const std::string& field,
                              const std::string& where, bool required, bool nullable = false) {
    const auto it = object.find(field);
    if (it == object.end() || (nullable && it->is_null())) {
        if (required && it == object.end())
            return malformed(where + field, "is missing");
        return std::string();
    }
    if (!it->is_string() || it->get_ref<const std::string&>().size() > kMaxCentralText)
        return malformed(where + field, "is not a string of at most " +
                                            std::to_string(kMaxCentralText) + " characters");
    return it->get<std::string>();
}

Result<std::int64_t> countField(const nlohmann::json& object, const std::string& field,
                                const std::string& where) {
    const auto it = object.find(field);
    if (it == object.end())
        return malformed(where + field, "is missing");
    // Unsigned or signed JSON integers; doubles, strings and negatives are refused.
    if (!it->is_number_integer() ||
        (it->is_number_unsigned()
             ? it->get<std::uint64_t>() >
                   static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
             : it->get<std::int64_t>() < 0))
        return malformed(where + field, "is not a non-negative integer");
    return it->get<std::int64_t>();
}

Result<std::vector<RegisteredDeviceKey>> keyHistory(const nlohmann::json& body,
                                                    const std::string& latest) {
    const auto it = body.find("device_keys");
    if (it == body.end()) {
        // An older central: it keeps (and answers) the latest key only.
        if (latest.empty())
            return std::vector<RegisteredDeviceKey>();
        return std::vector<RegisteredDeviceKey>{{latest, 0}};
    }
    if (!it->is_array() || it->size() > kMaxCentralDeviceKeys)
        return malformed("device_keys", "is not an array of at most " +
                                            std::to_string(kMaxCentralDeviceKeys) + " keys");
    std::vector<RegisteredDeviceKey> keys;
    keys.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& item = (*it)[i];
        const std::string where = "device_keys[" + std::to_string(i) + "].";
        if (!item.is_object())
            return malformed("device_keys[" + std::to_string(i) + "]", "is not an object");
        auto key = textField(item, "key", where, true);
        if (!key)
            return key.error();
        if (key->empty())
            return malformed(where + "key", "is empty");
        auto registered = countField(item, "registered_ms", where);
        if (!registered)
            return registered.error();
        keys.push_back({std::move(*key), *registered});
    }
    return keys;
}

} // namespace

nlohmann::json toJson(const RegisteredDeviceKey& key) {
    return {{"key", key.key}, {"registered_ms", key.registeredMs}};
}

Result<ChainHeadAnswer> parseChainHeadAnswer(const nlohmann::json& body) {
    if (!body.is_object())
        return malformed("body", "is not a JSON object");
    ChainHeadAnswer answer;
    auto acked = countField(body, "acked_through", "");
    if (!acked)
        return acked.error();
    answer.ackedThrough = *acked;
    auto head = textField(body, "head_hash", "", true);
    if (!head)
        return head.error();
    answer.headHash = std::move(*head);
    auto hash = textField(body, "hash", "", true, true);
    if (!hash)
        return hash.error();
    answer.hash = std::move(*hash);
    const auto witnessed = body.find("witnessed");
    if (witnessed == body.end() || !witnessed->is_boolean())
        return malformed("witnessed", "is not a boolean");
    answer.witnessed = witnessed->get<bool>();
    auto latest = textField(body, "device_key", "", false);
    if (!latest)
        return latest.error();
    answer.deviceKey = std::move(*latest);
    auto keys = keyHistory(body, answer.deviceKey);
    if (!keys)
        return keys.error();
    answer.deviceKeys = std::move(*keys);
    return answer;
}

} // namespace doorpost::sync
