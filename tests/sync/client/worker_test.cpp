// The kiosk side: backoff, Retry-After, unreachable vs answered, quarantine of a refused record,
// the worker thread's status snapshot and the `doorpost sync` command.

#include "sync/backoff.hpp"
#include "sync/client/http_client.hpp"
#include "sync/client/sync_state.hpp"
#include "sync/client/sync_worker.hpp"
#include "tests/sync/fault_proxy.hpp"
#include "tests/sync/sync_harness.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <sys/wait.h>

using namespace doorpost;
using namespace doorpost::sync;
using namespace doorpost::sync::client;
using namespace doorpost::sync::test;
using namespace std::chrono_literals;

TEST_CASE("full-jitter backoff stays under its ceiling, varies, and honours Retry-After, busy "
          "waits as asked",
          "[sync][worker]") {
    Backoff backoff(100ms, 2000ms, 1);
    std::set<std::int64_t> seen;
    for (int attempt = 0; attempt < 40; ++attempt) {
        const auto wait = backoff.next();
        const std::int64_t ceiling = std::min<std::int64_t>(2000, 100LL << std::min(attempt, 30));
        CHECK(wait.count() >= 0);
        CHECK(wait.count() <= ceiling);
        seen.insert(wait.count());
    }
    CHECK(seen.size() > 10); // jitter, not a fixed schedule
    CHECK(backoff.next(3).count() >= 3000);
    backoff.reset();
    CHECK(backoff.next().count() <= 100);

    // Busy (429): between the ask and twice the ask, and the failure count does not grow, so a
    // door that was told "full, come back in 1 s" comes back then, not a minute later.
    for (int i = 0; i < 3; ++i)
        CHECK(backoff.next().count() >= 0);
    const int failuresBefore = backoff.failures();
    std::set<std::int64_t> busyWaits;
    for (int attempt = 0; attempt < 40; ++attempt) {
        const auto wait = backoff.busy(1);
        CHECK(wait.count() >= 1000);
        CHECK(wait.count() <= 2000);
        busyWaits.insert(wait.count());
    }
    CHECK(busyWaits.size() > 10); // spread, so a fleet does not return in one instant
    CHECK(backoff.failures() == failuresBefore);
    CHECK(backoff.busy(-1).count() >= 1000); // no Retry-After: one second
    CHECK(backoff.busy(5).count() >= 5000);
    CHECK(backoff.busy(5).count() <= 10000);

    CHECK(client::retryAfterSeconds("7") == 7);
    CHECK(client::retryAfterSeconds("") == -1);
    CHECK(client::retryAfterSeconds("soon") == -1);
    CHECK(client::retryAfterSeconds("Fri, 01 Jan 2100 00:00:00 GMT") > 1000000);
    CHECK(client::retryAfterSeconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
}

TEST_CASE("a round tells unreachable from answered with an error", "[sync][worker]") {
    TempDir dir;
    Kiosk kiosk;
    kiosk.append(5);
    {
        // Nothing listens on the proxy's upstream: connection reset, no answer.
        FaultProxy nowhere({1});
        auto session =
            client::SyncSession::open(kiosk.db(), testConfig(nowhere.url(), "t")).value();
        CHECK(session->runRound().end == client::RoundEnd::Unreachable);
    }
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    FaultProxy proxy({central.port()});
    auto session = client::SyncSession::open(kiosk.db(), testConfig(proxy.url(), token)).value();
    proxy.schedule({Fault::Status500});
    client::RoundReport report = session->runRound();
    CHECK(report.end == client::RoundEnd::ServerError);
    proxy.setRetryAfter("4");
    proxy.schedule({Fault::Status503});
    report = session->runRound();
    CHECK(report.end == client::RoundEnd::ServerError);
    CHECK(report.retryAfterS == 4);
    proxy.schedule({Fault::TruncatedResponse});
    CHECK(session->runRound().end == client::RoundEnd::Unreachable);
    auto refused =
        client::SyncSession::open(kiosk.db(), testConfig(proxy.url(), "dpt_wrong")).value();
    report = refused->runRound();
    CHECK(report.end == client::RoundEnd::Refused);
    CHECK(report.error.find("401") != std::string::npos);
    report = session->runRound();
    CHECK(report.end == client::RoundEnd::Done);
    CHECK(report.ackedThrough == 5);
    // The central's Date header gives the clock offset; on one machine it is small.
    CHECK(std::llabs(report.clockOffsetMs) < 2000);
}

TEST_CASE("a record the central refuses is quarantined and the rest goes through",
          "[sync][worker]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    kiosk.append(30);
    // Record 12 is altered on the device after it was hashed: the central cannot accept it.
    REQUIRE(kiosk.db().exec("UPDATE events SET masked_id = 'tampered' WHERE seq = 12").ok());
    const client::RoundReport report = syncUntilDone(kiosk.db(), testConfig(central.url(), token));
    INFO(report.error);
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(report.ackedThrough == 30);
    CHECK(report.quarantined == 1);
    client::SyncState state(kiosk.db());
    auto quarantined = state.quarantined(kiosk.status().epoch, 1, 30);
    REQUIRE(quarantined.ok());
    REQUIRE(quarantined->count(12) == 1);
    CHECK(quarantined->at(12).find("hash") != std::string::npos);
    auto stats = central.store().stats();
    REQUIRE(stats.ok());
    REQUIRE(stats->chains.size() == 1);
    CHECK(stats->chains[0].events == 30);
    CHECK(stats->chains[0].quarantined == 1);
    CHECK(stats->chains[0].headHash == kiosk.status().headHash);
}

TEST_CASE("the sync worker thread reports offline, honours Retry-After, then catches up",
          "[sync][worker]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    FaultProxy proxy({central.port()});
    Kiosk kiosk;
    kiosk.append(700);

    client::SyncConfig config = testConfig(proxy.url(), token);
    config.backoffBase = 1ms;
    config.backoffCap = 5ms;
    proxy.setRetryAfter("1");
    proxy.schedule({Fault::Status503});
    const auto started = std::chrono::steady_clock::now();
    client::SyncWorker worker(kiosk.path(), config);
    worker.start();
    // The 503 asked for one second: the worker may not come back sooner, whatever its backoff.
    while (proxy.requests() < 2 && std::chrono::steady_clock::now() - started < 10s)
        std::this_thread::sleep_for(5ms);
    CHECK(std::chrono::steady_clock::now() - started >= 1s);
    client::SyncStatus status;
    for (int i = 0; i < 1000; ++i) {
        status = worker.status();
        if (status.lastSyncMs > 0 && status.eventsWaiting == 0)
            break;
        std::this_thread::sleep_for(10ms);
    }
    CHECK(status.online);
    CHECK(status.eventsWaiting == 0);
    CHECK(status.lastSyncMs > 0);

    // A nudge after new events brings them over without waiting for the interval.
    kiosk.append(3);
    worker.nudge();
    for (int i = 0; i < 500 && worker.status().eventsWaiting == 0; ++i)
        std::this_thread::sleep_for(2ms);
    for (int i = 0; i < 1000 && central.store().stats().value().events < 703; ++i)
        std::this_thread::sleep_for(5ms);
    worker.stop();
    requireCentralHoldsExactly(dir.file("central.db"), "kiosk-a", kiosk);
}

TEST_CASE("doorpost sync --once --json pushes and reports, bad input exits 2",
          "[sync][worker][cli]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    kiosk.append(40);
    const std::string bin = std::string(DOORPOST_BIN_DIR) + "/doorpost";
    const std::string out = dir.file("out.json");
    pid_t pid = spawnProcess({bin, "--db", kiosk.path(), "sync", "--central", central.url(),
                              "--token", token, "--once", "--json"},
                             out);
    CHECK(waitProcess(pid) == 0);
    std::ifstream in(out);
    std::string line;
    REQUIRE(std::getline(in, line));
    auto json = parseJson(line);
    REQUIRE(json.ok());
    CHECK((*json)["end"] == "done");
    CHECK((*json)["acked_through"] == 40);
    CHECK((*json)["events_waiting"] == 0);
    requireCentralHoldsExactly(dir.file("central.db"), "kiosk-a", kiosk);

    pid = spawnProcess({bin, "--db", kiosk.path(), "sync", "--central", central.url(), "--token",
                        "dpt_wrong", "--once"});
    CHECK(waitProcess(pid) == 2);
    pid = spawnProcess({bin, "--db", kiosk.path(), "sync", "--central", "http://127.0.0.1:1",
                        "--token", token, "--once"});
    CHECK(waitProcess(pid) == 3);
    pid = spawnProcess({bin, "--db", kiosk.path(), "sync", "--token", token, "--once"});
    CHECK(waitProcess(pid) == 2);
}
