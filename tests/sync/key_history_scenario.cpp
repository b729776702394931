#include "tests/sync/key_history_scenario.hpp"

#include "sync/client/http_client.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace doorpost::sync::test {
namespace {

// The devices table exactly as centrals before the key history created it.
constexpr const char* kOldDevicesTable = R"SQL(
CREATE TABLE IF NOT EXISTS devices (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    device_key TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
)SQL";

const std::string kOldKey(64, 'a');
const std::string kNewKey(64, 'b');

std::unique_ptr<central::SqlSession> openSession(const std::string& location) {
    auto session = central::openSqlSession(location);
    REQUIRE(session.ok());
    return std::move(*session);
}

std::vector<RegisteredDeviceKey> historyOf(central::CentralStore& store,
                                           const std::string& device) {
    auto keys = store.deviceKeys(device);
    INFO((keys ? "" : keys.error().message));
    REQUIRE(keys.ok());
    return *keys;
}

std::string latestOf(central::CentralStore& store, const std::string& device) {
    auto heads = store.chainHeads(device, "", 0);
    REQUIRE(heads.ok());
    REQUIRE(heads->deviceKnown);
    return heads->deviceKey;
}

} // namespace

void deviceKeyHistory(Backend backend) {
    StoreLocation where(backend);
    if (!where.available())
        return;
    {
        // An existing central database: door-1 enrolled with the old key, door-2 with none.
        auto old = openSession(where.location());
        REQUIRE(old->script(kOldDevicesTable).ok());
        REQUIRE(old->run("INSERT INTO devices (name, token_hash, device_key, created_at)"
                         " VALUES ('door-1', 'h1', $1, 1), ('door-2', 'h2', '', 1)",
                         {kOldKey})
                    .ok());
    }
    std::int64_t newRegisteredMs = 0;
    {
        auto opened = central::CentralStore::open(where.location());
        INFO((opened ? "" : opened.error().message));
        REQUIRE(opened.ok());
        auto& store = **opened;
        // Upgraded in place: the latest key joins the history, registered before it was kept.
        auto keys = historyOf(store, "door-1");
        REQUIRE(keys.size() == 1);
        CHECK(keys[0].key == kOldKey);
        CHECK(keys[0].registeredMs == 0);
        CHECK(historyOf(store, "door-2").empty()); // no key, nothing registered

        // A reinstall enrols with a new key: both kept, oldest first; the latest is the new one.
        REQUIRE(store.setDeviceKey("door-1", kNewKey).ok());
        keys = historyOf(store, "door-1");
        REQUIRE(keys.size() == 2);
        CHECK(keys[0].key == kOldKey);
        CHECK(keys[1].key == kNewKey);
        CHECK(keys[1].registeredMs > 1700000000000); // the server's clock, in ms
        newRegisteredMs = keys[1].registeredMs;
        CHECK(latestOf(store, "door-1") == kNewKey);

        // The same key again, or an empty one, registers nothing.
        REQUIRE(store.setDeviceKey("door-1", kNewKey).ok());
        REQUIRE(store.setDeviceKey("door-1", "").ok());
        REQUIRE(store.setDeviceKey("door-2", "").ok());
        CHECK(historyOf(store, "door-1").size() == 2);
        CHECK(historyOf(store, "door-2").empty());
        CHECK(latestOf(store, "door-1") == kNewKey);
        // The old database enrolling again makes its key the latest, still registered once.
        REQUIRE(store.setDeviceKey("door-1", kOldKey).ok());
        CHECK(historyOf(store, "door-1").size() == 2);
        CHECK(latestOf(store, "door-1") == kOldKey);
        CHECK_FALSE(store.setDeviceKey("door-9", kNewKey).ok()); // no such device
    }
    // A restart: the history is as it was (the upgrade step adds nothing twice).
    InProcessCentral central(where.location());
    auto keys = historyOf(central.store(), "door-1");
    REQUIRE(keys.size() == 2);
    CHECK(keys[0].key == kOldKey);
    CHECK(keys[0].registeredMs == 0);
    CHECK(keys[1].key == kNewKey);
    CHECK(keys[1].registeredMs == newRegisteredMs);

    // The chain-head route answers the latest key and the history.
    const auto token = central.store().enrollDevice("door-1", true);
    REQUIRE(token.ok());
    client::HttpClientOptions options;
    options.baseUrl = central.url();
    options.token = *token;
    client::HttpClient client(options);
    const client::HttpOutcome outcome = client.get("/v1/devices/door-1/chain-head");
    REQUIRE(outcome.answered);
    REQUIRE(outcome.answer.status == 200);
    const auto body = nlohmann::json::parse(outcome.answer.body);
    CHECK(body["device_key"] == kOldKey);
    REQUIRE(body["device_keys"].size() == 2);
    CHECK(body["device_keys"][0] == nlohmann::json{{"key", kOldKey}, {"registered_ms", 0}});
    CHECK(body["device_keys"][1] ==
          nlohmann::json{{"key", kNewKey}, {"registered_ms", newRegisteredMs}});

    // A device flooding its history is refused once it holds kMaxDeviceKeys keys (filled here
    // in one transaction; the keys already held still enrol).
    auto session = openSession(where.location());
    REQUIRE(session->beginWrite().ok());
    for (std::int64_t i = 2; i < central::CentralStore::kMaxDeviceKeys; ++i)
        REQUIRE(session
                    ->run("INSERT INTO device_keys (device, device_key, registered_ms)"
                          " VALUES ('door-1', $1, $2)",
                          {"k" + std::to_string(i), newRegisteredMs + i})
                    .ok());
    REQUIRE(session->commit().ok());
    auto refused = central.store().setDeviceKey("door-1", std::string(64, 'c'));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::Conflict);
    CHECK(central.store().setDeviceKey("door-1", kNewKey).ok());
    CHECK(historyOf(central.store(), "door-1").size() ==
          static_cast<std::size_t>(central::CentralStore::kMaxDeviceKeys));
}

} // namespace doorpost::sync::test
