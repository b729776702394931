// `doorpost status --json` reports the kiosk's sync state (issue 16) from the database, whichever
// process ran the rounds: online, events waiting, last success, last error.

#include "tests/support/command_run.hpp"
#include "tests/sync/sync_harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace doorpost;
using namespace doorpost::sync::test;

namespace {

nlohmann::json statusSync(const std::string& db) {
    const auto run = doorpost::test::runBinary("doorpost", "--db " + db + " status --json");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto json = nlohmann::json::parse(run.out);
    REQUIRE(json.contains("sync"));
    return json["sync"];
}

} // namespace

TEST_CASE("status --json shows the sync state the last rounds left", "[sync][client][cli]") {
    TempDir dir;
    auto central = std::make_unique<InProcessCentral>(dir.file("central.db"));
    const std::string token = central->store().enrollDevice("door-1", false).value();
    Kiosk kiosk;
    kiosk.append(12);

    const auto never = statusSync(kiosk.path());
    CHECK(never["online"] == false);
    CHECK(never["events_waiting"] == 12);
    CHECK(never["last_success_ms"] == 0);
    CHECK(never["last_end"] == "");

    const auto synced =
        doorpost::test::runBinary("doorpost", "--db " + kiosk.path() + " sync --once --central " +
                                                  central->url() + " --token " + token);
    REQUIRE(synced.exitCode == 0);
    const auto online = statusSync(kiosk.path());
    CHECK(online["online"] == true);
    CHECK(online["events_waiting"] == 0);
    CHECK(online["acked_through"] == 12);
    CHECK(online["last_success_ms"].get<std::int64_t>() > 0);
    CHECK(online["last_error"] == "");
    CHECK(online["last_end"] == "done");

    // The central goes away; three more events wait.
    const std::string url = central->url();
    central.reset();
    kiosk.append(3);
    const auto failed = doorpost::test::runBinary(
        "doorpost", "--db " + kiosk.path() + " sync --once --central " + url + " --token " + token);
    CHECK(failed.exitCode == 3);
    const auto offline = statusSync(kiosk.path());
    CHECK(offline["online"] == false);
    CHECK(offline["events_waiting"] == 3);
    CHECK(offline["last_end"] == "unreachable");
    CHECK(offline["last_error"].get<std::string>().find("unreachable") != std::string::npos);
    CHECK(offline["last_success_ms"] == online["last_success_ms"]);
    CHECK(offline["last_attempt_ms"].get<std::int64_t>() >=
          online["last_attempt_ms"].get<std::int64_t>());
}
