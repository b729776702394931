#pragma once
// Shared pieces of the sync tests: temporary folders, a throwaway PostgreSQL database per test,
// centrals in-process (store + HTTP server on loopback) or as child processes, kiosks with an
// event log, and the exactly-once check of what a central holds against a kiosk's log.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "sync/central/central_server.hpp"
#include "sync/central/central_store.hpp"
#include "sync/client/sync_session.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace doorpost::sync::test {

using doorpost::test::TempDir;

// The PostgreSQL the test scripts started: $DOORPOST_PG_URL, else the ctest fixture's state file.
// Fails the test when there is none, unless DOORPOST_SKIP_POSTGRES=1 (local runs only), in which
// case it returns nothing and the caller returns early.
std::optional<std::string> postgresServerUrl();

// A fresh database on that server for one test, dropped afterwards.
class PostgresDatabase {
public:
    explicit PostgresDatabase(const std::string& serverUrl);
    ~PostgresDatabase();
    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;
    const std::string& url() const { return m_url; }

private:
    std::string m_serverUrl;
    std::string m_name;
    std::string m_url;
};

enum class Backend { Sqlite, Postgres, PostgresTwoCentrals };
const char* backendName(Backend backend);

// Where a test's central data lives: a SQLite file or a fresh PostgreSQL database.
class StoreLocation {
public:
    explicit StoreLocation(Backend backend); // Postgres* without a server: location() empty
    const std::string& location() const { return m_location; }
    bool available() const { return !m_location.empty(); }
    Backend backend() const { return m_backend; }

private:
    Backend m_backend;
    TempDir m_dir;
    std::unique_ptr<PostgresDatabase> m_postgres;
    std::string m_location;
};

// A central in this process: its own store connection and an HTTP server on a loopback port.
class InProcessCentral {
public:
    explicit InProcessCentral(const std::string& location, central::StoreOptions options = {},
                              central::ServerOptions serverOptions = {});
    ~InProcessCentral();
    central::CentralStore& store() { return *m_store; }
    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    central::CentralServer& server() { return *m_server; }

private:
    std::unique_ptr<central::CentralStore> m_store;
    std::unique_ptr<central::CentralServer> m_server;
    int m_port = 0;
    std::thread m_thread;
};

// A doorpost-central child process (`serve`), for SIGKILL tests (tests/support/child_process).
using doorpost::test::CentralProcess;

// A kiosk: its database and event log, filled quickly (synchronous=NORMAL: setup, not the test).
class Kiosk {
public:
    Kiosk();
    const std::string& path() const { return m_path; }
    storage::EventLog& log() { return *m_log; }
    storage::Database& db() { return *m_db; }
    // Appends `count` admissions; subjects are "<prefix><i>" hashed. REQUIREs success, so only
    // on the test's own thread (Catch2's assertions are not thread-safe); tryAppend elsewhere.
    void append(int count, const std::string& subjectPrefix = "s", Verdict verdict = Verdict::Admit,
                std::int64_t wallTimeMs = 0);
    Result<void> tryAppend(int count, const std::string& subjectPrefix = "s",
                           Verdict verdict = Verdict::Admit, std::int64_t wallTimeMs = 0);
    storage::LogStatus status();

private:
    TempDir m_dir;
    std::string m_path;
    std::optional<storage::Database> m_db;
    std::optional<storage::EventLog> m_log;
    int m_counter = 0;
};

// Sync settings for tests: short backoff so fault storms stay quick.
client::SyncConfig testConfig(const std::string& url, const std::string& token);

// Runs rounds until one ends Done (or `maxRounds`); returns the last report.
client::RoundReport syncUntilDone(storage::Database& db, const client::SyncConfig& config,
                                  int maxRounds = 2000);

// Every record of the kiosk is at the central exactly once, with the kiosk's hash, the acked
// prefix is the whole log and the central's chain head equals the kiosk's. Uses REQUIREs.
void requireCentralHoldsExactly(const std::string& location, const std::string& device,
                                Kiosk& kiosk);

// How far the central acknowledged this kiosk's current epoch, as the kiosk recorded it.
std::int64_t syncStatePosition(Kiosk& kiosk);

// The subject key a kiosk would store for a test subject.
std::string subjectKeyFor(const std::string& subject);

using doorpost::test::spawnProcess;
using doorpost::test::waitProcess;

} // namespace doorpost::sync::test
