#pragma once
// The "what it must show" scenarios of issue 6, written once and run against every backend:
// SQLite store, PostgreSQL store, and two central processes sharing one PostgreSQL.

#include "tests/sync/sync_harness.hpp"

namespace doorpost::sync::test {

// Full counts in the normal build. The ASan+UBSan build runs the same scenarios with a smaller
// e2e backlog (3,000 per kiosk) to stay inside CI's time budget; episodes and kills stay full.
struct ScenarioSize {
#ifdef DOORPOST_SANITIZED
    int eventsPerKiosk = 3000;
#else
    int eventsPerKiosk = 10000; // e2e
#endif
    int faultEpisodes = 120; // fault proxy
    int faultEvents = 2000;  // events per kiosk in the fault scenario
    int kills = 50;          // SIGKILLs of the worker, and of the central
};

void endToEndTwoKiosks(Backend backend, const ScenarioSize& size);
void faultEpisodes(Backend backend, const ScenarioSize& size);
void killSyncWorker(Backend backend, const ScenarioSize& size);
void killCentral(Backend backend, const ScenarioSize& size);
// Reconciliation: a subject admitted at two doors and a revoked pass come back as findings
// (PostgreSQL passes the lists as arrays, SQLite as IN lists: both are checked).
void reconciliationFindings(Backend backend);

} // namespace doorpost::sync::test
