// Issue 6 "what it must show" 1-3 with the PostgreSQL store, and with two central processes
// sharing one PostgreSQL. Needs the PostgreSQL the ctest fixture (scripts/with-postgres.sh)
// starts; fails when there is none unless DOORPOST_SKIP_POSTGRES=1.

#include "tests/sync/fleet_scenario.hpp"
#include "tests/sync/key_history_scenario.hpp"
#include "tests/sync/sync_scenarios.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::sync::test;

TEST_CASE("postgres: two kiosks, one central, 10000 events each (3000 under sanitizers) arrive "
          "exactly once",
          "[sync][e2e][pg]") {
    endToEndTwoKiosks(Backend::Postgres, {});
}

TEST_CASE("postgres: >=100 fault episodes, then every event exactly once", "[sync][faults][pg]") {
    faultEpisodes(Backend::Postgres, {});
}

TEST_CASE("postgres: 50 SIGKILLs of the sync worker", "[sync][kill][pg]") {
    killSyncWorker(Backend::Postgres, {});
}

TEST_CASE("postgres: 50 SIGKILLs of the central", "[sync][kill][pg]") {
    killCentral(Backend::Postgres, {});
}

TEST_CASE("two centrals over one postgres: two kiosks, 10000 events each (3000 under sanitizers), "
          "exactly once",
          "[sync][e2e][pg]") {
    endToEndTwoKiosks(Backend::PostgresTwoCentrals, {});
}

TEST_CASE("two centrals over one postgres: >=100 fault episodes, requests alternating",
          "[sync][faults][pg]") {
    faultEpisodes(Backend::PostgresTwoCentrals, {});
}

TEST_CASE("two centrals over one postgres: 50 SIGKILLs of the sync worker", "[sync][kill][pg]") {
    killSyncWorker(Backend::PostgresTwoCentrals, {});
}

TEST_CASE("two centrals over one postgres: 50 SIGKILLs, alternating between the centrals",
          "[sync][kill][pg]") {
    killCentral(Backend::PostgresTwoCentrals, {});
}

TEST_CASE("postgres: reconciliation reports a subject admitted at two doors and a revoked pass",
          "[sync][central][pg]") {
    reconciliationFindings(Backend::Postgres);
}

TEST_CASE("postgres: the central keeps every device key, upgraded from a database holding only the "
          "latest",
          "[sync][central][pg]") {
    deviceKeyHistory(Backend::Postgres);
}

TEST_CASE("postgres: a fleet of doors drains its backlog at once, exactly once, no 5xx",
          "[sync][central][fleet][pg]") {
    const auto server = postgresServerUrl();
    if (!server)
        return;
    runFleet("postgres", {40, 250, 0}, *server);
}
