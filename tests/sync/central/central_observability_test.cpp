// What an operator sees of the central: the access log and failures in the log, /metrics in the
// Prometheus text format with per-door gauges equal to the store, /v1/ready, each door's last
// contact, version and clock offset, and a revoked door refused with a reason it can show.
// In-process central over SQLite on loopback; the doors are real sync sessions or HttpClients.

#include "sync/client/http_client.hpp"
#include "sync/event_wire.hpp"
#include "tests/sync/sync_harness.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <regex>
#include <sqlite3.h>
#include <sstream>

using namespace doorpost;
using namespace doorpost::sync;
using namespace doorpost::sync::test;

namespace {

// A log whose lines the test reads.
struct CapturedLog {
    std::mutex mutex;
    std::vector<std::string> lines;
    central::CentralLog log{
        central::LogLevel::Debug, [this](central::LogLevel level, const std::string& line) {
            std::lock_guard lock(mutex);
            lines.push_back(std::string(central::logLevelName(level)) + " " + line);
        }};
    std::vector<std::string> matching(const std::string& needle) {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (const auto& line : lines)
            if (line.find(needle) != std::string::npos)
                out.push_back(line);
        return out;
    }
};

central::ServerOptions withLog(CapturedLog& captured) {
    central::ServerOptions options;
    options.log = &captured.log;
    return options;
}

std::string pushBody(Kiosk& kiosk, std::int64_t from, std::int64_t to, bool lastAsStub = false) {
    auto events = kiosk.log().readSeqRange(from, to);
    REQUIRE(events.ok());
    PushRequest request{kiosk.status().epoch, {}, ""};
    for (const auto& event : *events)
        request.events.push_back(toWire(event));
    if (lastAsStub) {
        request.events.back().event = nlohmann::json::object();
        request.events.back().quarantined = "refused by test";
    }
    request.headHash = request.events.back().hash;
    return dumpJson(toJson(request));
}

// Every line of a Prometheus text exposition: comments (# HELP / # TYPE) or samples
// `name{label="value",...} number`; a family's TYPE comes before its samples, once.
std::map<std::string, double> parseExposition(const std::string& text) {
    static const std::regex comment(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$)");
    static const std::regex sample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")"
        R"((?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? )"
        R"((-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|\+Inf|-Inf|NaN)$)");
    static const std::regex typeLine(
        R"(^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$)");
    std::map<std::string, double> samples;
    std::map<std::string, int> typed;
    std::istringstream lines(text);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ++count;
        INFO("line " << count << ": " << line);
        std::smatch match;
        if (std::regex_match(line, match, comment)) {
            if (match[1] == "TYPE") {
                CHECK(std::regex_match(line, typeLine));
                CHECK(++typed[match[2]] == 1);
            }
            continue;
        }
        REQUIRE(std::regex_match(line, match, sample));
        std::string family = match[1];
        for (const char* suffix : {"_bucket", "_sum", "_count"})
            if (!typed.count(family) && family.size() > std::strlen(suffix) &&
                family.compare(family.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
                family = family.substr(0, family.size() - std::strlen(suffix));
        CHECK(typed.count(family) == 1);
        const std::string value = match[3];
        samples[std::string(match[1]) + std::string(match[2])] =
            value == "+Inf" ? INFINITY : std::stod(value);
    }
    CHECK(!text.empty());
    CHECK(text.back() == '\n');
    return samples;
}

std::string dropTable(const std::string& path, const std::string& table) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const std::string sql = "DROP TABLE " + table;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
    return table;
}

} // namespace

TEST_CASE("metrics are valid exposition text and the per-door gauges are the store's",
          "[sync][central][metrics]") {
    TempDir dir;
    CapturedLog captured;
    InProcessCentral central(dir.file("central.db"), {}, withLog(captured));
    const std::string operatorToken = central.store().enrollDevice("operator-ops", false).value();
    const std::string tokenA = central.store().enrollDevice("door-a", false).value();
    const std::string tokenB = central.store().enrollDevice("door-b", false).value();
    (void)central.store().enrollDevice("door-quiet", false).value(); // never heard from
    REQUIRE(
        central.store().upsertSet("denylist", {{"p-1", {{"revoked_at_ms", 1}}}}, "", false).ok());

    // Door A: a real sync session drains 30 events.
    Kiosk a;
    a.append(30, "a");
    REQUIRE(syncUntilDone(a.db(), testConfig(central.url(), tokenA)).end == client::RoundEnd::Done);
    // Door B: pushes 5 of its 12 events plus a quarantine stub and says it holds 12 (lag 6).
    Kiosk b;
    b.append(12, "b");
    REQUIRE(b.log().setDeviceId("door-b").ok());
    client::HttpClient http({central.url(), tokenB});
    const std::string path = "/v1/devices/door-b/events";
    REQUIRE(http.post(path, pushBody(b, 1, 5), {"Doorpost-Log-Last-Seq: 12"}).answer.status == 200);
    REQUIRE(http.post(path, pushBody(b, 6, 6, true), {"Doorpost-Log-Last-Seq: 12"}).answer.status ==
            200);

    client::HttpClient ops({central.url(), operatorToken});
    const client::HttpOutcome scraped = ops.get("/metrics");
    REQUIRE(scraped.answer.status == 200);
    CHECK(scraped.answer.header("content-type").find("text/plain; version=0.0.4") == 0);
    const auto samples = parseExposition(scraped.answer.body);

    auto doors = central.store().doors();
    REQUIRE(doors.ok());
    const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    int doorsChecked = 0;
    for (const auto& door : *doors) {
        if (door.role != "door")
            continue;
        ++doorsChecked;
        const std::string label = "{device=\"" + door.name + "\"}";
        INFO(door.name);
        CHECK(samples.at("doorpost_door_acked_lag_events" + label) == door.ackedLag);
        CHECK(samples.at("doorpost_door_quarantined_records" + label) == door.quarantined);
        CHECK(samples.at("doorpost_door_events" + label) == door.events);
        CHECK(samples.at("doorpost_door_revoked" + label) == 0);
        const double since = samples.at("doorpost_door_seconds_since_contact" + label);
        if (door.lastContactMs == 0)
            CHECK(std::isinf(since));
        else
            CHECK(std::abs(since - static_cast<double>(nowMs - door.lastContactMs) / 1000.0) < 5);
    }
    CHECK(doorsChecked == 3);
    // And the store holds what the doors did.
    std::map<std::string, central::DoorView> byName;
    for (const auto& door : *doors)
        byName[door.name] = door;
    CHECK(byName["door-a"].events == 30);
    CHECK(byName["door-a"].ackedLag == 0);
    CHECK(byName["door-a"].softwareVersion.rfind("doorpost", 0) == 0);
    REQUIRE(byName["door-a"].clockOffsetMs.has_value());
    CHECK(std::abs(*byName["door-a"].clockOffsetMs) < 5000);
    CHECK(byName["door-a"].headHash == a.status().headHash);
    CHECK(byName["door-b"].ackedThrough == 6);
    CHECK(byName["door-b"].ackedLag == 6);
    CHECK(byName["door-b"].quarantined == 1);
    CHECK(byName["door-quiet"].lastContactMs == 0);
    CHECK(samples.at("doorpost_events_accepted_total") == 36);
    CHECK(samples.at("doorpost_set_version{set=\"denylist\"}") == 1);
    CHECK(samples.at("doorpost_http_requests_total{route=\"push\",status=\"200\"}") >= 3);
    CHECK(samples.at("doorpost_principals{role=\"operator\"}") == 1);

    // Who may scrape: an operator only.
    CHECK(client::HttpClient({central.url(), ""}).get("/metrics").answer.status == 401);
    CHECK(client::HttpClient({central.url(), tokenA}).get("/metrics").answer.status == 403);
    CHECK(client::HttpClient({central.url(), operatorToken})
              .post(path, pushBody(b, 7, 7))
              .answer.status == 403);

    // The access log has a line per request: method, route, device, status, bytes, ms.
    const auto access = captured.matching("access method=POST route=push device=door-b status=200");
    CHECK(access.size() == 2);
    REQUIRE(!access.empty());
    CHECK(std::regex_search(access.front(),
                            std::regex(R"( bytes=[0-9]+ ms=[0-9.]+ peer=127\.0\.0\.1)")));
}

TEST_CASE("health is liveness, ready answers only when the store does, and a store fault is "
          "logged with its cause",
          "[sync][central][metrics]") {
    TempDir dir;
    CapturedLog captured;
    InProcessCentral central(dir.file("central.db"), {}, withLog(captured));
    const std::string token = central.store().enrollDevice("door-a", false).value();
    Kiosk kiosk;
    kiosk.append(5);
    REQUIRE(kiosk.log().setDeviceId("door-a").ok());
    client::HttpClient http({central.url(), token});
    CHECK(http.get("/v1/health").answer.status == 200);
    CHECK(http.get("/v1/ready").answer.status == 200);

    // The store fails under the running central: its events table is gone.
    dropTable(dir.file("central.db"), "events");
    const client::HttpOutcome pushed =
        http.post("/v1/devices/door-a/events", pushBody(kiosk, 1, 5));
    CHECK(pushed.answer.status == 503);
    CHECK(pushed.answer.header("retry-after") == "1");
    const auto failed = captured.matching("request_failed");
    REQUIRE(failed.size() == 1);
    CHECK(failed.front().rfind("error ", 0) == 0);
    CHECK(failed.front().find("route=push") != std::string::npos);
    CHECK(failed.front().find("device=door-a") != std::string::npos);
    CHECK(failed.front().find("status=503") != std::string::npos);
    CHECK(failed.front().find("no such table: events") != std::string::npos);

    // Liveness does not touch the store; readiness does.
    dropTable(dir.file("central.db"), "devices");
    CHECK(http.get("/v1/health").answer.status == 200);
    const client::HttpOutcome ready = http.get("/v1/ready");
    CHECK(ready.answer.status == 503);
    std::vector<std::string> readyFailed;
    for (const auto& line : captured.matching("request_failed"))
        if (line.find("route=ready") != std::string::npos)
            readyFailed.push_back(line);
    REQUIRE(readyFailed.size() == 1);
    CHECK(readyFailed.front().find("status=503") != std::string::npos);
    CHECK(readyFailed.front().find("no such table: devices") != std::string::npos);
}

TEST_CASE("a revoked door gets 401 with the reason, its events stay, and the central shows it",
          "[sync][central]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("door-7", false).value();
    const std::string operatorToken = central.store().enrollDevice("operator-ops", false).value();
    Kiosk kiosk;
    kiosk.append(10);
    REQUIRE(syncUntilDone(kiosk.db(), testConfig(central.url(), token)).end ==
            client::RoundEnd::Done);

    REQUIRE(central.store().revokeDevice("door-7", "stolen 2026-06-01").ok());
    kiosk.append(3);
    auto session = client::SyncSession::open(kiosk.db(), testConfig(central.url(), token));
    REQUIRE(session.ok());
    const client::RoundReport report = (*session)->runRound();
    CHECK(report.end == client::RoundEnd::Refused);
    CHECK(report.error.find("401") != std::string::npos);
    CHECK(report.error.find("revoked") != std::string::npos);
    CHECK(report.error.find("stolen 2026-06-01") != std::string::npos);

    auto doors = central.store().doors();
    REQUIRE(doors.ok());
    const auto door = std::find_if(doors->begin(), doors->end(),
                                   [](const central::DoorView& d) { return d.name == "door-7"; });
    REQUIRE(door != doors->end());
    CHECK(door->revoked);
    CHECK(door->events == 10); // kept
    CHECK(door->revokeReason == "stolen 2026-06-01");
    const std::string metrics =
        client::HttpClient({central.url(), operatorToken}).get("/metrics").answer.body;
    CHECK(metrics.find("doorpost_door_revoked{device=\"door-7\"} 1") != std::string::npos);
    CHECK(metrics.find("doorpost_principals_revoked 1") != std::string::npos);
    const std::string page =
        client::HttpClient({central.url(), operatorToken}).get("/?lang=en").answer.body;
    CHECK(page.find("data-door=\"door-7\" data-state=\"revoked\"") != std::string::npos);

    // A new token for the replacement kiosk works again; the revocation is still on record.
    const std::string fresh = central.store().enrollDevice("door-7", true).value();
    CHECK(client::HttpClient({central.url(), fresh}).get("/v1/sets/roster").answer.status == 200);
    auto check = central.store().checkToken(token);
    REQUIRE(check.ok());
    CHECK(check->revoked);
}
