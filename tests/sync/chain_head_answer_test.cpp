// The kiosk's reading of the central's chain-head answer (sync/chain_head_answer.cpp): a good
// answer, an older central's (no device_keys), and hostile ones (wrong types, huge arrays,
// overlong keys, negative or fractional numbers), each a one-line BadInput naming the field.

#include "sync/chain_head_answer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using doorpost::sync::kMaxCentralDeviceKeys;
using doorpost::sync::kMaxCentralText;
using doorpost::sync::parseChainHeadAnswer;
using nlohmann::json;

namespace {

json goodAnswer() {
    return {{"device", "kiosk-1"},
            {"device_key", std::string(64, 'b')},
            {"device_keys",
             json::array({{{"key", std::string(64, 'a')}, {"registered_ms", 0}},
                          {{"key", std::string(64, 'b')}, {"registered_ms", 1764255414320}}})},
            {"chains", json::array()},
            {"epoch", std::string(32, 'e')},
            {"acked_through", 15},
            {"head_hash", std::string(64, 'h')},
            {"seq", 15},
            {"hash", std::string(64, 'h')},
            {"quarantined", false},
            {"witnessed", true}};
}

} // namespace

TEST_CASE("chain-head answer: the key history is read oldest first", "[sync][witness]") {
    auto answer = parseChainHeadAnswer(goodAnswer());
    REQUIRE(answer.ok());
    CHECK(answer->ackedThrough == 15);
    CHECK(answer->witnessed);
    CHECK(answer->hash == std::string(64, 'h'));
    CHECK(answer->deviceKey == std::string(64, 'b'));
    REQUIRE(answer->deviceKeys.size() == 2);
    CHECK(answer->deviceKeys[0].key == std::string(64, 'a'));
    CHECK(answer->deviceKeys[0].registeredMs == 0);
    CHECK(answer->deviceKeys[1].registeredMs == 1764255414320);
}

TEST_CASE("chain-head answer: an older central's latest key is a one-key history",
          "[sync][witness]") {
    json body = goodAnswer();
    body.erase("device_keys");
    body["hash"] = nullptr;
    auto answer = parseChainHeadAnswer(body);
    REQUIRE(answer.ok());
    CHECK(answer->hash.empty());
    REQUIRE(answer->deviceKeys.size() == 1);
    CHECK(answer->deviceKeys[0].key == std::string(64, 'b'));
    body["device_key"] = "";
    answer = parseChainHeadAnswer(body);
    REQUIRE(answer.ok());
    CHECK(answer->deviceKeys.empty()); // the device never sent one: nothing to compare
}

TEST_CASE("chain-head answer: hostile answers are one-line errors naming the field",
          "[sync][witness]") {
    json hugeArray = json::array();
    for (std::size_t i = 0; i <= kMaxCentralDeviceKeys; ++i)
        hugeArray.push_back({{"key", "k" + std::to_string(i)}, {"registered_ms", 1}});
    const std::vector<std::pair<std::string, json>> cases = {
        {"device_keys", "not an array"},
        {"device_keys", json::object()},
        {"device_keys", hugeArray},
        {"device_keys[0]", json::array({42})},
        {"device_keys[0].key", json::array({{{"key", 7}, {"registered_ms", 1}}})},
        {"device_keys[0].key",
         json::array({{{"key", std::string(kMaxCentralText + 1, 'a')}, {"registered_ms", 1}}})},
        {"device_keys[0].key", json::array({{{"key", ""}, {"registered_ms", 1}}})},
        {"device_keys[0].key", json::array({{{"registered_ms", 1}}})},
        {"device_keys[1].registered_ms", json::array({{{"key", "a"}, {"registered_ms", 1}},
                                                      {{"key", "b"}, {"registered_ms", -1}}})},
        {"device_keys[0].registered_ms", json::array({{{"key", "a"}, {"registered_ms", 1.5}}})},
        {"device_keys[0].registered_ms", json::array({{{"key", "a"}, {"registered_ms", "1"}}})},
        {"device_keys[0].registered_ms",
         json::array({{{"key", "a"}, {"registered_ms", std::uint64_t{1} << 63}}})},
        {"device_key", 12},
        {"device_key", std::string(kMaxCentralText + 1, 'k')},
        {"acked_through", "15"},
        {"acked_through", -3},
        {"head_hash", nullptr},
        {"hash", json::array()},
        {"witnessed", "yes"},
    };
    for (const auto& [field, value] : cases) {
        json body = goodAnswer();
        // The field under test is the top-level one its name starts with.
        const std::string top = field.substr(0, field.find('['));
        body[top] = value;
        auto answer = parseChainHeadAnswer(body);
        INFO(field << " = " << value.dump().substr(0, 80));
        REQUIRE_FALSE(answer.ok());
        const std::string& message = answer.error().message;
        CHECK(message.find("--central: malformed chain-head answer: " + field + " ") == 0);
        CHECK(message.find('\n') == std::string::npos);
    }
    for (const char* missing : {"acked_through", "head_hash", "hash", "witnessed"}) {
        json body = goodAnswer();
        body.erase(missing);
        CHECK_FALSE(parseChainHeadAnswer(body).ok());
    }
    CHECK_FALSE(parseChainHeadAnswer(json::array()).ok());
}
