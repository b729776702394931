#include "sync/central/cli/copy_baseline.hpp"

#include "sync/central/sql_session.hpp"

#include <chrono>
#include <libpq-fe.h>

namespace doorpost::sync::central::cli {
namespace {

// COPY text format: backslash, tab and newlines escaped.
void appendCopyField(std::string& out, const std::string& value) {
    for (const char c : value) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
}

constexpr const char* kTable =
    "CREATE TABLE baseline_events (device TEXT NOT NULL, epoch TEXT NOT NULL, seq BIGINT NOT NULL,"
    " hash TEXT NOT NULL, prev_hash TEXT NOT NULL, body TEXT, PRIMARY KEY (device, epoch, seq))";

} // namespace

Result<double> postgresCopySeconds(const std::string& url, const std::string& epoch,
                                   const std::vector<WireEvent>& events) {
    PGconn* connection = PQconnectdb(url.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
        std::string message = PQerrorMessage(connection);
        PQfinish(connection);
        return environmentFault("cannot connect to postgresql: " + message);
    }
    auto exec = [&](const char* sql) {
        PGresult* result = PQexec(connection, sql);
        const auto status = PQresultStatus(result);
        PQclear(result);
        return status;
    };
    exec("DROP TABLE IF EXISTS baseline_events");
    exec(kTable);
    const auto start = std::chrono::steady_clock::now();
    bool ok = exec("COPY baseline_events FROM STDIN") == PGRES_COPY_IN;
    std::string chunk;
    for (std::size_t i = 0; ok && i < events.size(); ++i) {
        const WireEvent& event = events[i];
        chunk += "bench\t" + epoch + '\t' + std::to_string(event.seq) + '\t' + event.hash + '\t' +
                 event.prevHash + '\t';
        appendCopyField(chunk, dumpJson(event.event));
        chunk += '\n';
        if (chunk.size() > (1 << 20) || i + 1 == events.size()) {
            ok = PQputCopyData(connection, chunk.data(), static_cast<int>(chunk.size())) == 1;
            chunk.clear();
        }
    }
    ok = ok && PQputCopyEnd(connection, nullptr) == 1;
    PGresult* result = PQgetResult(connection);
    ok = ok && PQresultStatus(result) == PGRES_COMMAND_OK;
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    while ((result = PQgetResult(connection)) != nullptr)
        PQclear(result);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    exec("DROP TABLE IF EXISTS baseline_events");
    PQfinish(connection);
    if (!ok)
        return environmentFault("postgresql COPY failed: " + message);
    return seconds;
}

Result<double> sqliteInsertSeconds(const std::string& path, const std::string& epoch,
                                   const std::vector<WireEvent>& events) {
    auto session = openSqliteSession(path);
    if (!session)
        return session.error();
    if (auto made = (*session)->script(kTable); !made)
        return made.error();
    const auto start = std::chrono::steady_clock::now();
    if (auto begun = (*session)->beginWrite(); !begun)
        return begun.error();
    for (const auto& event : events) {
        auto done =
            (*session)->run("INSERT INTO baseline_events VALUES ('bench', $1, $2, $3, $4, $5)",
                            {epoch, event.seq, event.hash, event.prevHash, dumpJson(event.event)});
        if (!done)
            return done.error();
    }
    if (auto committed = (*session)->commit(); !committed)
        return committed.error();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<std::string> createScratchDatabase(const std::string& serverUrl, const std::string& name) {
    auto session = openPostgresSession(serverUrl);
    if (!session)
        return session.error();
    (void)(*session)->run("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    if (auto made = (*session)->run("CREATE DATABASE " + name); !made)
        return made.error();
    return serverUrl.substr(0, serverUrl.rfind('/') + 1) + name;
}

void dropScratchDatabase(const std::string& serverUrl, const std::string& name) {
    auto session = openPostgresSession(serverUrl);
    if (session)
        (void)(*session)->run("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

} // namespace doorpost::sync::central::cli
