#include "storage/database.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/migrations.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <utility>

namespace doorpost::storage {

namespace {

// How one attempt to open went: a connection, a corrupt file, or another fault.
struct Attempt {
    sqlite3* db = nullptr;
    bool corrupt = false;
    Error error;
};

bool isCorruption(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

Attempt failed(sqlite3* db, int rc, std::string_view what) {
    Attempt attempt;
    attempt.corrupt = isCorruption(rc);
    attempt.error = sqliteError(db, rc, what);
    if (attempt.corrupt) {
        attempt.error.message = std::string(what) + ": " + sqlite3_errstr(rc);
    }
    sqlite3_close_v2(db);
    return attempt;
}

Result<std::string> firstRow(sqlite3* db, std::string_view sql) {
    Result<Statement> stmt = Statement::prepare(db, sql);
    if (!stmt) {
        return stmt.error();
    }
    Result<bool> row = stmt->step();
    if (!row) {
        return row.error();
    }
    return *row ? stmt->columnText(0) : std::string();
}

Attempt tryOpen(const std::string& path, const OpenOptions& options) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.vfs);
    if (rc != SQLITE_OK) {
        return failed(db, rc, "open " + path);
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, options.busyTimeoutMs);

    // journal_mode is the first statement that reads the file header, so a file that is not a
    // database at all is found here (SQLITE_NOTADB).
    Result<std::string> mode = firstRow(db, "PRAGMA journal_mode = WAL");
    if (!mode) {
        return failed(db, sqlite3_extended_errcode(db), "set journal_mode");
    }
    if (*mode != "wal") {
        Attempt attempt = failed(db, SQLITE_OK, "set journal_mode");
        attempt.error = environmentFault("storage fault: " + path +
                                         " cannot use WAL (journal_mode is " + *mode + ")");
        return attempt;
    }
    const char* pragmas = options.synchronous == Synchronous::Full
                              ? "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                              : "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
    rc = sqlite3_exec(db, pragmas, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return failed(db, rc, "set pragmas");
    }

    if (options.quickCheck) {
        Result<std::string> check = firstRow(db, "PRAGMA quick_check(1)");
        if (!check) {
            return failed(db, sqlite3_extended_errcode(db), "quick_check");
        }
        if (*check != "ok") {
            Attempt attempt = failed(db, SQLITE_CORRUPT, "quick_check");
            attempt.error.message = "quick_check: " + *check;
            return attempt;
        }
    }

    if (Result<void> migrated = applyMigrations(db, migrations()); !migrated) {
        const int code = sqlite3_extended_errcode(db);
        Attempt attempt = failed(db, code, "migrate");
        if (!attempt.corrupt) {
            attempt.error = migrated.error();
        }
        return attempt;
    }
    Attempt attempt;
    attempt.db = db;
    return attempt;
}

std::string utcStamp() {
    return formatCompactUtc(static_cast<std::int64_t>(std::time(nullptr)));
}

// Makes the renames durable: a rename lives in the directory, which needs its own fsync.
void syncDirectoryOf(const std::filesystem::path& file) {
    const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Renames the database and its -wal/-shm (the WAL belongs to the corrupt file and may hold
// its last commits) to "<path>.corrupt-<stamp>[-N]". Never deletes anything.
Result<std::string> moveAside(const std::string& path) {
    namespace fs = std::filesystem;
    std::string target = path + ".corrupt-" + utcStamp();
    for (int n = 2; fs::exists(target) || fs::exists(target + "-wal"); ++n) {
        target = path + ".corrupt-" + utcStamp() + "-" + std::to_string(n);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string from = path + suffix;
        if (!fs::exists(from)) {
            continue;
        }
        if (::rename(from.c_str(), (target + suffix).c_str()) != 0) {
            return environmentFault("storage fault: cannot move corrupt " + from +
                                    " aside: " + std::strerror(errno));
        }
    }
    syncDirectoryOf(path);
    return target;
}

} // namespace

Result<Database> Database::open(const std::string& path, const OpenOptions& options) {
    std::error_code ignored;
    const bool existed = std::filesystem::exists(path, ignored);
    Attempt attempt = tryOpen(path, options);
    std::optional<MovedAside> moved;
    if (attempt.corrupt) {
        Result<std::string> target = moveAside(path);
        if (!target) {
            return target.error();
        }
        moved = MovedAside{*target, attempt.error.message};
        attempt = tryOpen(path, options);
    }
    if (attempt.db == nullptr) {
        if (attempt.corrupt) {
            return environmentFault("storage fault: " + path + " is still corrupt after moving " +
                                    "the old file aside: " + attempt.error.message);
        }
        return attempt.error;
    }
    if (!existed || moved) {
        // SQLite syncs the directory for a new WAL or journal, not for a new database file:
        // without this, a power cut soon after creation could lose the file's name.
        syncDirectoryOf(path);
    }
    Database db(attempt.db, path);
    if (moved) {
        db.m_movedAside = moved;
        // Kept in the new database so that status reports it until someone deals with it.
        if (auto kept = db.setMeta("moved_aside", moved->path + " (" + moved->reason + ")");
            !kept) {
            return kept.error();
        }
    }
    return db;
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_movedAside(std::move(other.m_movedAside)), m_begin(std::move(other.m_begin)),
      m_commit(std::move(other.m_commit)), m_rollback(std::move(other.m_rollback)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        m_begin = {};
        m_commit = {};
        m_rollback = {};
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_movedAside = std::move(other.m_movedAside);
        m_begin = std::move(other.m_begin);
        m_commit = std::move(other.m_commit);
        m_rollback = std::move(other.m_rollback);
    }
    return *this;
}

Database::~Database() {
    // Statements first: a connection with unfinalized statements only closes as a zombie.
    m_begin = {};
    m_commit = {};
    m_rollback = {};
    sqlite3_close_v2(m_db);
}

Result<void> Database::runCached(Statement& slot, const char* sql, std::string_view what) {
    if (slot.raw() == nullptr) {
        auto prepared = prepare(sql);
        if (!prepared) {
            return prepared.error();
        }
        slot = std::move(*prepared);
    }
    const int rc = sqlite3_step(slot.raw());
    if (rc != SQLITE_DONE) {
        Error error = sqliteError(m_db, rc, what);
        sqlite3_reset(slot.raw());
        return error;
    }
    sqlite3_reset(slot.raw());
    return {};
}

Result<void> Database::exec(std::string_view sql) {
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return sqliteError(m_db, rc, "exec");
    }
    return {};
}

Result<int> Database::schemaVersion() {
    Result<std::string> version = firstRow(m_db, "PRAGMA user_version");
    if (!version) {
        return version.error();
    }
    return std::stoi(*version);
}

Result<std::string> Database::integrityCheck() {
    return firstRow(m_db, "PRAGMA integrity_check(1)");
}

Result<std::optional<std::string>> Database::meta(std::string_view key) {
    Result<Statement> stmt = prepare("SELECT value FROM meta WHERE key = ?");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, key);
    Result<bool> row = stmt->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(stmt->columnText(0));
}

Result<void> Database::setMeta(std::string_view key, std::string_view value) {
    Result<Statement> stmt = prepare("INSERT INTO meta(key, value) VALUES (?, ?)"
                                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!stmt) {
        return stmt.error();
    }
    return stmt->bind(1, key).bind(2, value).run();
}

Result<Transaction> Transaction::begin(Database& db) {
    if (auto begun = db.runCached(db.m_begin, "BEGIN IMMEDIATE", "begin"); !begun) {
        return begun.error();
    }
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Transaction::~Transaction() {
    rollbackIfOpen();
}

// After a failed COMMIT SQLite may already have rolled back; only roll back what is open.
void Transaction::rollbackIfOpen() {
    if (m_db != nullptr && sqlite3_get_autocommit(m_db->handle()) == 0) {
        (void)m_db->runCached(m_db->m_rollback, "ROLLBACK", "rollback");
    }
}

Result<void> Transaction::commit() {
    auto committed = m_db->runCached(m_db->m_commit, "COMMIT", "commit");
    if (!committed) {
        rollbackIfOpen();
    }
    m_db = nullptr;
    return committed;
}

} // namespace doorpost::storage
