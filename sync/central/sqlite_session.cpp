// The SQLite session: the central's embedded default store. WAL with synchronous=FULL, because
// an acknowledgement sent to a kiosk promises the events survive a power cut here.

#include "storage/base/private_file.hpp"
#include "sync/central/sql_session.hpp"

#include <map>
#include <sqlite3.h>

namespace doorpost::sync::central {
namespace {

// $N -> ?N: SQLite numbers ?NNN parameters by their digits, whatever order they appear in. When
// they appear in order ($1, $2, ...), plain "?" is used instead: SQLite looks numbered names up
// in a list, which made a 2,750-parameter multi-row INSERT spend its time on the lookups.
std::string toSqlitePlaceholders(std::string_view sql) {
    std::string numbered;
    std::string plain;
    bool inOrder = true;
    long expected = 1;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] != '$') {
            numbered += sql[i];
            plain += sql[i];
            continue;
        }
        std::size_t end = i + 1;
        while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9')
            ++end;
        const std::string digits(sql.substr(i + 1, end - i - 1));
        inOrder = inOrder && !digits.empty() && std::stol(digits) == expected++;
        numbered += "?" + digits;
        plain += "?";
        i = end - 1;
    }
    return inOrder ? plain : numbered;
}

// Prepared statements kept for reuse, keyed by the SQL as the store wrote it. A push runs the
// same few statements every batch (a full multi-row INSERT among them); parsing and planning
// them again each time was a sixth of the central's push time. Bounded: once full, new SQL (IN
// lists of every length) is prepared, run once and finalized, as before.
constexpr std::size_t kMaxCachedStatements = 64;

// Resets a cached statement on every way out of run(), so it holds no read or write lock.
struct ResetOnExit {
    sqlite3_stmt* statement;
    ~ResetOnExit() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
    }
};

class SqliteSession final : public SqlSession {
public:
    explicit SqliteSession(sqlite3* db) : m_db(db) {}
    ~SqliteSession() override {
        for (auto& [sql, statement] : m_cache)
            sqlite3_finalize(statement);
        sqlite3_finalize(m_uncached);
        sqlite3_close_v2(m_db);
    }
    SqliteSession(const SqliteSession&) = delete;
    SqliteSession& operator=(const SqliteSession&) = delete;

    SqlDialect dialect() const override { return SqlDialect::Sqlite; }

    Result<SqlRows> run(std::string_view sql, const std::vector<SqlValue>& params) override {
        sqlite3_stmt* statement = cached(sql);
        if (!statement)
            return fault("prepare");
        const ResetOnExit resetOnExit{statement};
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int index = static_cast<int>(i + 1);
            const SqlValue& value = params[i];
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::int64_t>(value))
                rc = sqlite3_bind_int64(statement, index, std::get<std::int64_t>(value));
            else if (std::holds_alternative<std::string>(value)) {
                const auto& s = std::get<std::string>(value);
                rc = sqlite3_bind_text(statement, index, s.data(), static_cast<int>(s.size()),
                                       SQLITE_TRANSIENT);
            } else
                rc = sqlite3_bind_null(statement, index);
            if (rc != SQLITE_OK)
                return fault("bind");
        }
        SqlRows rows;
        for (;;) {
            const int rc = sqlite3_step(statement);
            if (rc == SQLITE_DONE)
                break;
            if (rc != SQLITE_ROW)
                return fault("step");
            const int columns = sqlite3_column_count(statement);
            auto& row = rows.rows.emplace_back();
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) {
                if (sqlite3_column_type(statement, c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                } else {
                    const auto* data = sqlite3_column_text(statement, c);
                    const int size = sqlite3_column_bytes(statement, c);
                    row.emplace_back(std::string(reinterpret_cast<const char*>(data),
                                                 static_cast<std::size_t>(size)));
                }
            }
        }
        return rows;
    }

    Result<void> beginWrite() override {
        auto done = run("BEGIN IMMEDIATE", {});
        if (!done)
            return done.error();
        return {};
    }

    Result<void> script(std::string_view sql) override {
        const std::string text(sql);
        if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
            return fault("schema");
        return {};
    }

private:
    Error fault(const char* stage) const {
        return environmentFault(std::string("sqlite ") + stage + ": " + sqlite3_errmsg(m_db));
    }

    sqlite3_stmt* cached(std::string_view sql) {
        sqlite3_finalize(m_uncached); // a no-op on nullptr
        m_uncached = nullptr;
        if (const auto it = m_cache.find(sql); it != m_cache.end())
            return it->second;
        const std::string text = toSqlitePlaceholders(sql);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v3(m_db, text.c_str(), static_cast<int>(text.size()),
                               SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK)
            return nullptr;
        if (m_cache.size() >= kMaxCachedStatements) {
            m_uncached = statement; // used once, finalized at the next run()
            return statement;
        }
        m_cache.emplace(std::string(sql), statement);
        return statement;
    }

    sqlite3* m_db;
    std::map<std::string, sqlite3_stmt*, std::less<>> m_cache;
    sqlite3_stmt* m_uncached = nullptr;
};

} // namespace

Result<std::unique_ptr<SqlSession>> openSqliteSession(const std::string& path) {
    sqlite3* db = nullptr;
    // Device tokens' hashes, the set-signing key and the subject secret live here: owner only.
    if (auto narrowed = makeOwnerOnly(path); !narrowed)
        return environmentFault("cannot open central store " + path + ": " +
                                narrowed.error().message);
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        return environmentFault("cannot open central store " + path + ": " + message);
    }
    sqlite3_busy_timeout(db, 10000);
    auto session = std::make_unique<SqliteSession>(db);
    auto pragmas = session->script("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   " PRAGMA foreign_keys=ON;");
    if (!pragmas)
        return pragmas.error();
    return std::unique_ptr<SqlSession>(std::move(session));
}

} // namespace doorpost::sync::central
