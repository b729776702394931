#pragma once
// The narrow SQL surface the central store needs, so one store implementation (central_store.cpp)
// runs over SQLite (the embedded default) and PostgreSQL (several centrals over one database).
// SQL is written once with PostgreSQL's $1..$N placeholders; the SQLite session rewrites them.
// A session is one connection and is not thread-safe: the store serialises access to it.

#include "storage/base/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace doorpost::sync::central {

using SqlValue = std::variant<std::monostate, std::int64_t, std::string>;

// Every column comes back as text (or nothing for NULL): both engines convert losslessly.
struct SqlRows {
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::size_t size() const { return rows.size(); }
    bool empty() const { return rows.empty(); }
    std::string text(std::size_t row, std::size_t column) const;
    std::int64_t integer(std::size_t row, std::size_t column) const;
};

enum class SqlDialect { Sqlite, Postgres };

class SqlSession {
public:
    virtual ~SqlSession() = default;
    virtual SqlDialect dialect() const = 0;
    // Runs one statement with $N parameters and returns its rows (none for non-queries).
    virtual Result<SqlRows> run(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
    // A transaction that takes the write lock at once (SQLite BEGIN IMMEDIATE), so two writers
    // never deadlock on lock upgrade.
    virtual Result<void> beginWrite() = 0;
    Result<void> commit();
    Result<void> rollback();
    // Runs a script of statements without parameters (schema creation).
    virtual Result<void> script(std::string_view sql) = 0;
};

Result<std::unique_ptr<SqlSession>> openSqliteSession(const std::string& path);
Result<std::unique_ptr<SqlSession>> openPostgresSession(const std::string& url);
// A store location as operators give it (--store): a postgresql:// or postgres:// URL, else a
// SQLite file.
Result<std::unique_ptr<SqlSession>> openSqlSession(const std::string& location);

} // namespace doorpost::sync::central
