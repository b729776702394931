#pragma once
// LogQuery: the QueryPort served from the event log. It opens its own connection to the
// database (storage: one connection per thread) and answers on its own worker thread, so the
// UI never waits on SQLite.

#include "kiosk/app/ports.hpp"
#include "kiosk/app/task_runner.hpp"

#include <memory>
#include <string>

namespace doorpost::storage {
class Database;
class EventLog;
} // namespace doorpost::storage

namespace doorpost::sync::client {
class SyncWorker;
}
namespace doorpost::sync::peer {
class Mesh;
}

namespace doorpost::kiosk::app {

class LogQuery final : public QueryPort {
public:
    // `sync`: the sync worker running in this kiosk, if any; its status() (a copy under its own
    // short lock) is read on this query thread, never on the UI thread. It must outlive this.
    // `mesh`: the same for the mesh node (the peers chip).
    explicit LogQuery(std::string dbPath, const sync::client::SyncWorker* sync = nullptr,
                      const sync::peer::Mesh* mesh = nullptr);
    ~LogQuery() override;

    void todayCounters(std::function<void(Result<TodayCounters>)> done) override;
    void statsPer10Min(std::int64_t fromUnix, std::int64_t toUnix,
                       std::function<void(Result<std::vector<StatsBucket>>)> done) override;
    void roster(std::string search,
                std::function<void(Result<std::vector<RosterEntry>>)> done) override;
    void kioskStatus(std::function<void(Result<KioskStatus>)> done) override;

private:
    Result<storage::EventLog*> log(); // worker thread only: opens on first use
    // Brings m_today up to the log's head: the whole day once, then only the events appended
    // since. Recounting the day after every verdict re-read all of the day's events for each
    // person at the door.
    Result<void> tallyToday(storage::EventLog& log, std::int64_t nowUnix);

    // Today's counters as of seq countedThrough (worker thread only).
    struct DayTally {
        std::int64_t fromMs = 0; // local midnight
        std::int64_t toMs = 0;   // the next local midnight
        std::int64_t countedThrough = 0;
        TodayCounters counters;
    };

    std::string m_path;
    const sync::client::SyncWorker* m_sync;
    const sync::peer::Mesh* m_mesh;
    std::unique_ptr<storage::Database> m_db;  // worker thread only
    std::unique_ptr<storage::EventLog> m_log; // worker thread only
    DayTally m_today;                         // worker thread only
    TaskRunner m_worker; // last: its thread stops before the members it uses go
};

} // namespace doorpost::kiosk::app
