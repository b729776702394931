// The PostgreSQL session (libpq): for when one machine is not enough. Several stateless central
// processes share one database; correctness between them comes from transactions and row locks
// in central_store.cpp, not from anything held in a process.

#include "sync/central/sql_session.hpp"

#include <libpq-fe.h>
#include <map>

namespace doorpost::sync::central {
namespace {

class PostgresSession final : public SqlSession {
public:
    explicit PostgresSession(PGconn* connection) : m_connection(connection) {}
    ~PostgresSession() override { PQfinish(m_connection); }
    PostgresSession(const PostgresSession&) = delete;
    PostgresSession& operator=(const PostgresSession&) = delete;

    SqlDialect dialect() const override { return SqlDialect::Postgres; }

    Result<SqlRows> run(std::string_view sql, const std::vector<SqlValue>& params) override {
        // A connection lost between requests (the database restarted) is re-established once;
        // a loss inside a transaction fails that transaction and the client retries.
        if (PQstatus(m_connection) != CONNECTION_OK) {
            PQreset(m_connection);
            m_prepared.clear(); // prepared statements live and die with the server session
        }
        std::vector<std::string> texts(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (std::holds_alternative<std::int64_t>(params[i])) {
                texts[i] = std::to_string(std::get<std::int64_t>(params[i]));
                values[i] = texts[i].c_str();
            } else if (std::holds_alternative<std::string>(params[i])) {
                values[i] = std::get<std::string>(params[i]).c_str();
            }
        }
        auto name = prepared(sql, static_cast<int>(params.size()));
        if (!name)
            return name.error();
        PGresult* result = name->empty() ? PQexecParams(m_connection, std::string(sql).c_str(),
                                                        static_cast<int>(params.size()), nullptr,
                                                        values.data(), nullptr, nullptr, 0)
                                         : PQexecPrepared(m_connection, name->c_str(),
                                                          static_cast<int>(params.size()),
                                                          values.data(), nullptr, nullptr, 0);
        const auto status = PQresultStatus(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return failed(result);
        SqlRows rows;
        const int count = PQntuples(result);
        const int columns = PQnfields(result);
        rows.rows.resize(static_cast<std::size_t>(count));
        for (int r = 0; r < count; ++r) {
            auto& row = rows.rows[static_cast<std::size_t>(r)];
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) {
                if (PQgetisnull(result, r, c))
                    row.emplace_back(std::nullopt);
                else
                    row.emplace_back(
                        std::string(PQgetvalue(result, r, c),
                                    static_cast<std::size_t>(PQgetlength(result, r, c))));
            }
        }
        PQclear(result);
        return rows;
    }

    Result<void> beginWrite() override {
        auto done = run("BEGIN", {});
        if (!done)
            return done.error();
        return {};
    }

    Result<void> script(std::string_view sql) override {
        const std::string text(sql);
        PGresult* result = PQexec(m_connection, text.c_str());
        const auto status = PQresultStatus(result);
        std::string message = PQresultErrorMessage(result);
        PQclear(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return environmentFault("postgresql schema: " + message);
        return {};
    }

private:
    static Error failed(PGresult* result) {
        std::string message = PQresultErrorMessage(result);
        PQclear(result);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        return environmentFault("postgresql: " + message);
    }

    // The server-side prepared statement for `sql`, prepared on first use. The push path runs
    // the same statements every batch, a 2,750-parameter multi-row INSERT among them: parsing
    // and planning that each time cost the server more than inserting the rows. Empty: the
    // cache is full, run it unprepared (a store sending ever-new SQL must not grow it forever).
    Result<std::string> prepared(std::string_view sql, int parameters) {
        if (const auto it = m_prepared.find(sql); it != m_prepared.end())
            return it->second;
        if (m_prepared.size() >= kMaxPrepared)
            return std::string();
        std::string name = "dp" + std::to_string(m_nextName++);
        PGresult* result =
            PQprepare(m_connection, name.c_str(), std::string(sql).c_str(), parameters, nullptr);
        if (PQresultStatus(result) != PGRES_COMMAND_OK)
            return failed(result);
        PQclear(result);
        m_prepared.emplace(std::string(sql), name);
        return name;
    }

    static constexpr std::size_t kMaxPrepared = 256;
    PGconn* m_connection;
    std::map<std::string, std::string, std::less<>> m_prepared;
    std::uint64_t m_nextName = 0;
};

void ignoreNotice(void*, const char*) {}

} // namespace

Result<std::unique_ptr<SqlSession>> openPostgresSession(const std::string& url) {
    PGconn* connection = PQconnectdb(url.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
        std::string message = PQerrorMessage(connection);
        PQfinish(connection);
        while (!message.empty() && message.back() == '\n')
            message.pop_back();
        return environmentFault("cannot connect to postgresql: " + message);
    }
    // "relation already exists, skipping" notices would otherwise go to stderr.
    PQsetNoticeProcessor(connection, ignoreNotice, nullptr);
    return std::unique_ptr<SqlSession>(std::make_unique<PostgresSession>(connection));
}

} // namespace doorpost::sync::central
