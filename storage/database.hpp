#pragma once
// One SQLite connection to the kiosk's database, opened the way DESIGN.md "Local data" asks:
// WAL, synchronous=FULL, foreign_keys=ON, a busy timeout, PRAGMA quick_check at open, and the
// schema brought up to date by the ordered migrations of storage/migrations.cpp.
//
// Threads: a Database (one sqlite3 connection) is used by one thread at a time. Each thread that
// touches storage (gate, sync, export) opens its own Database on the same file; SQLite's WAL
// lets readers run beside the one writer, and the busy timeout makes writers wait their turn.
//
// A corrupt or truncated file found at open (quick_check fails, or SQLite says it is not a
// database) is never deleted and never silently replaced: the file and its -wal/-shm are renamed
// to "<path>.corrupt-<UTC timestamp>", a fresh database is created in its place (so the door keeps
// working, with a new epoch), and the move is reported twice: in movedAside() for the caller to
// show now, and in the new database's meta table (key "moved_aside") so `status` keeps showing it.

#include "storage/base/result.hpp"
#include "storage/statement.hpp"

#include <optional>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace doorpost::storage {

enum class Synchronous {
    Full,   // the default and the only setting the kiosk uses: a commit survives power loss
    Normal, // for the power-loss test's negative control only: WAL commits may be lost
};

struct OpenOptions {
    int busyTimeoutMs = 5000;
    Synchronous synchronous = Synchronous::Full;
    // Run PRAGMA quick_check at open. The kiosk does (DESIGN: quick-check at start); read-only
    // inspection commands on a huge log may skip it to answer fast.
    bool quickCheck = true;
    // A registered SQLite VFS name (tests inject faults through one); nullptr: the default.
    const char* vfs = nullptr;
};

// What happened to a corrupt database found at open.
struct MovedAside {
    std::string path;   // where the corrupt file now is
    std::string reason; // why it was judged corrupt (quick_check's first line or SQLite's error)
};

class Database {
public:
    // Opens (creating if needed) and migrates. Fails with an environment fault ("storage
    // fault: ...") when the file cannot be opened or migrated; a corrupt file is moved aside and
    // a fresh one opened instead (see the top of this file), which is not a failure.
    static Result<Database> open(const std::string& path, const OpenOptions& options = {});

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // The raw connection, for storage modules that need the C API directly.
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    const std::optional<MovedAside>& movedAside() const { return m_movedAside; }

    // Runs one or more SQL statements that return no rows.
    Result<void> exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql) { return Statement::prepare(m_db, sql); }

    // PRAGMA user_version: how many migrations of storage/migrations.cpp are applied.
    Result<int> schemaVersion();
    // PRAGMA integrity_check (the slow, thorough one; DESIGN: before an export). "ok" or the
    // first problem it reports.
    Result<std::string> integrityCheck();

    // The meta table: small key/value settings of the database (epoch, device_id, ...).
    Result<std::optional<std::string>> meta(std::string_view key);
    Result<void> setMeta(std::string_view key, std::string_view value);

private:
    friend class Transaction;
    Database(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}
    // Steps one of the cached transaction statements below, preparing it on first use.
    Result<void> runCached(Statement& slot, const char* sql, std::string_view what);

    sqlite3* m_db = nullptr;
    std::string m_path;
    std::optional<MovedAside> m_movedAside;
    // BEGIN IMMEDIATE, COMMIT and ROLLBACK, prepared once per connection: the gate runs one
    // transaction per event, and re-parsing these three statements each time (sqlite3_exec)
    // was a measurable share of an append's CPU time.
    Statement m_begin;
    Statement m_commit;
    Statement m_rollback;
};

// A write transaction taken with BEGIN IMMEDIATE, so the write lock is held from the start and
// a reader never has to be upgraded (which could fail with SQLITE_BUSY mid-transaction). Rolled
// back on destruction unless committed.
class Transaction {
public:
    static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    // Returns only once COMMIT has returned (with synchronous=FULL: the WAL is synced).
    Result<void> commit();

private:
    explicit Transaction(Database& db) : m_db(&db) {}
    void rollbackIfOpen();
    Database* m_db = nullptr;
};

} // namespace doorpost::storage
