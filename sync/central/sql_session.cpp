#include "sync/central/sql_session.hpp"

#include <cstdlib>

namespace doorpost::sync::central {

std::string SqlRows::text(std::size_t row, std::size_t column) const {
    const auto& cell = rows.at(row).at(column);
    return cell ? *cell : std::string();
}

std::int64_t SqlRows::integer(std::size_t row, std::size_t column) const {
    const auto& cell = rows.at(row).at(column);
    return cell ? std::strtoll(cell->c_str(), nullptr, 10) : 0;
}

Result<void> SqlSession::commit() {
    auto done = run("COMMIT");
    if (!done)
        return done.error();
    return {};
}

Result<void> SqlSession::rollback() {
    auto done = run("ROLLBACK");
    if (!done)
        return done.error();
    return {};
}

Result<std::unique_ptr<SqlSession>> openSqlSession(const std::string& location) {
    const bool postgres =
        location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
    return postgres ? openPostgresSession(location) : openSqliteSession(location);
}

} // namespace doorpost::sync::central
