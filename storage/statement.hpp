#pragma once
// A small RAII wrapper over sqlite3_stmt, so storage modules (event log, trust data, roster,
// sync state, export) can add their queries in their own files without repeating the C API's
// error handling. One Statement belongs to one connection and is used by one thread at a time.

#include "storage/base/result.hpp"

#include <cstdint>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace doorpost::storage {

// Maps a SQLite failure to a Result error. Disk full, I/O errors, corruption and the like are
// environment faults whose message starts with "storage fault: " (what the gate shows staff);
// constraint violations are conflicts with what is already recorded.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
public:
    // Prepares one SQL statement on `db`. The SQL must be a single statement.
    static Result<Statement> prepare(sqlite3* db, std::string_view sql);

    Statement() = default;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite. A wrong index is a bug (assertion), not a Result.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    // Binds without copying: SQLite reads `text` in place, so it must stay alive and unchanged
    // until the statement is reset (run() resets). For hot paths binding many long strings.
    Statement& bindInPlace(int index, std::string_view text);
    Statement& bindBlob(int index, const void* data, std::size_t size);
    Statement& bindNull(int index);

    // Advances one row: true when a row is available, false when the statement is done.
    Result<bool> step();
    // Runs a statement that returns no rows (or ignores them), then resets it for reuse.
    Result<void> run();
    // Ready for the next execution; bindings are cleared too.
    void reset();

    // Columns are 0-based, as in SQLite.
    std::int64_t columnInt(int column) const;
    std::string columnText(int column) const;
    bool columnIsNull(int column) const;

    sqlite3_stmt* raw() const { return m_stmt; }

private:
    explicit Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace doorpost::storage
