// Issue 6 "what it must show" 1-3 with the SQLite central store (the embedded default).
// Full counts: 10,000 events per kiosk, 120 fault episodes, 50 SIGKILLs of each side.

#include "tests/sync/sync_scenarios.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::sync::test;

TEST_CASE("sqlite: two kiosks, one central, 10000 events each (3000 under sanitizers) arrive "
          "exactly once",
          "[sync][e2e]") {
    endToEndTwoKiosks(Backend::Sqlite, {});
}

TEST_CASE("sqlite: >=100 fault episodes through the proxy, then every event exactly once",
          "[sync][faults]") {
    faultEpisodes(Backend::Sqlite, {});
}

TEST_CASE("sqlite: 50 SIGKILLs of the sync worker lose and duplicate nothing", "[sync][kill]") {
    killSyncWorker(Backend::Sqlite, {});
}

TEST_CASE("sqlite: 50 SIGKILLs of the central lose and duplicate nothing", "[sync][kill]") {
    killCentral(Backend::Sqlite, {});
}
