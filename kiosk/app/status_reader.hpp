#pragma once
// Reads behind the door's status chips and the roster screen, from the kiosk database: trust
// data age and validity (trust_store), the roster and who on it has arrived (roster_store's
// tables and the event log's admissions), and what the central has acknowledged (sync_state).
// Called on LogQuery's worker thread with that thread's connection, never on the UI thread.

#include "kiosk/app/ports.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::kiosk::app {

Result<KioskStatus> readKioskStatus(storage::Database& db, storage::EventLog& log);

// Everyone on the roster (or those whose candidate number or name contains `search`), arrived
// when the log holds an admission of their subject.
Result<std::vector<RosterEntry>> readRoster(storage::Database& db, const std::string& search);

} // namespace doorpost::kiosk::app
