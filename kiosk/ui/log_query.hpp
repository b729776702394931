#pragma once
// LogQuery: the QueryPort served from the event log. It opens its own connection to the
// database (storage: one connection per thread) and answers on its own worker thread, so the
// UI never waits on SQLite.

#include <memory>
#include <string>

#include "kiosk/ui/ports.hpp"
#include "kiosk/ui/task_runner.hpp"

namespace doorpost::storage {
class Database;
class EventLog;
} // namespace doorpost::storage

namespace doorpost::kiosk::ui {

class LogQuery final : public QueryPort {
public:
    explicit LogQuery(std::string dbPath);
    ~LogQuery() override;

    void todayCounters(std::function<void(Result<TodayCounters>)> done) override;
    void statsPer10Min(std::int64_t fromUnix, std::int64_t toUnix,
                       std::function<void(Result<std::vector<StatsBucket>>)> done) override;
    void roster(std::string search,
                std::function<void(Result<std::vector<RosterEntry>>)> done) override;

private:
    Result<storage::EventLog*> log(); // worker thread only: opens on first use

    std::string m_path;
    std::unique_ptr<storage::Database> m_db; // worker thread only
    std::unique_ptr<storage::EventLog> m_log; // worker thread only
    TaskRunner m_worker; // last: its thread stops before the members it uses go
};

} // namespace doorpost::kiosk::ui
