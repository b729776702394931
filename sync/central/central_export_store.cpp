// The store's side of the auditor export: a consistent read of every chain in a period, and the
// unmasking access log. Additive to the schema: the access log's table is created on first use.

#include "storage/event.hpp"
#include "sync/central/central_store.hpp"
#include "sync/protocol.hpp"

#include <chrono>

namespace doorpost::sync::central {
namespace {

constexpr std::int64_t kExportPage = 2000;

// Append-only at the engine too on SQLite (the chain shows any change made around it).
constexpr const char* kAccessLogSchema = R"SQL(
CREATE TABLE IF NOT EXISTS access_log (
    seq BIGINT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    auditor TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    doors TEXT NOT NULL,
    opened BIGINT NOT NULL,
    reason TEXT NOT NULL,
    seal_kids TEXT NOT NULL,
    export_created_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
)SQL";
constexpr const char* kSqliteAppendOnly = R"SQL(
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
    BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
)SQL";

} // namespace

Result<void> CentralStore::ensureAccessLogLocked() {
    if (m_accessLogReady)
        return {};
    if (auto made = m_session->script(kAccessLogSchema); !made)
        return made;
    if (m_session->dialect() == SqlDialect::Sqlite)
        if (auto made = m_session->script(kSqliteAppendOnly); !made)
            return made;
    m_accessLogReady = true;
    return {};
}

Result<void> CentralStore::exportSnapshot(std::int64_t fromMs, std::int64_t toMs,
                                          const std::string& device, ExportSink& sink) {
    std::lock_guard lock(m_mutex);
    // One snapshot for the whole export: SQLite's read transaction under WAL, PostgreSQL's
    // REPEATABLE READ.
    const char* begin = m_session->dialect() == SqlDialect::Postgres
                            ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                            : "BEGIN";
    if (auto begun = m_session->run(begin); !begun)
        return begun.error();
    auto finish = [this](Result<void> outcome) -> Result<void> {
        (void)m_session->rollback(); // read only: nothing to keep
        return outcome;
    };
    auto chains =
        m_session->run("SELECT c.device, c.epoch, c.acked_through, d.device_key FROM chains c"
                       " LEFT JOIN devices d ON d.name = c.device"
                       " WHERE $1 = '' OR c.device = $1 ORDER BY c.device, c.epoch",
                       {device});
    if (!chains)
        return finish(chains.error());
    std::vector<ExportChainSpan> spans;
    for (std::size_t i = 0; i < chains->size(); ++i) {
        ExportChainSpan span;
        span.device = chains->text(i, 0);
        span.epoch = chains->text(i, 1);
        const std::int64_t acked = chains->integer(i, 2);
        span.deviceKey = chains->text(i, 3);
        // Stubs carry no wall time (0): the span is what the door recorded in the period.
        auto range =
            m_session->run("SELECT MIN(seq), MAX(seq) FROM events WHERE device = $1 AND epoch = $2"
                           " AND quarantined IS NULL AND wall_time_ms >= $3 AND wall_time_ms < $4"
                           " AND seq <= $5",
                           {span.device, span.epoch, fromMs, toMs, acked});
        if (!range)
            return finish(range.error());
        if (range->empty() || !range->rows[0][0])
            continue;
        span.firstSeq = range->integer(0, 0);
        span.lastSeq = range->integer(0, 1);
        spans.push_back(std::move(span));
    }
    if (auto told = sink.spans(spans); !told)
        return finish(told);
    for (const auto& span : spans) {
        std::int64_t next = span.firstSeq;
        while (next <= span.lastSeq) {
            auto rows =
                m_session->run("SELECT seq, hash, prev_hash, body, quarantined FROM events"
                               " WHERE device = $1 AND epoch = $2 AND seq >= $3 AND seq <= $4"
                               " ORDER BY seq LIMIT " +
                                   std::to_string(kExportPage),
                               {span.device, span.epoch, next, span.lastSeq});
            if (!rows)
                return finish(rows.error());
            if (rows->empty())
                break;
            for (std::size_t i = 0; i < rows->size(); ++i) {
                WireEvent record;
                record.seq = rows->integer(i, 0);
                record.hash = rows->text(i, 1);
                record.prevHash = rows->text(i, 2);
                record.quarantined = rows->text(i, 4);
                if (record.quarantined.empty()) {
                    auto body = parseJson(rows->text(i, 3));
                    if (!body)
                        return finish(environmentFault("the store holds a malformed body for " +
                                                       span.device + " seq " +
                                                       std::to_string(record.seq)));
                    record.event = std::move(*body);
                }
                if (auto taken = sink.record(span, record); !taken)
                    return finish(taken);
                next = record.seq + 1;
            }
        }
    }
    return finish({});
}

Result<storage::audit::AccessEntry>
CentralStore::appendAccessEntry(storage::audit::AccessEntry entry) {
    std::lock_guard lock(m_mutex);
    if (auto ready = ensureAccessLogLocked(); !ready)
        return ready.error();
    if (auto begun = m_session->beginWrite(); !begun)
        return begun.error();
    auto fail = [this](const Error& error) -> Result<storage::audit::AccessEntry> {
        (void)m_session->rollback();
        return error;
    };
    auto last = m_session->run("SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1");
    if (!last)
        return fail(last.error());
    entry.seq = last->empty() ? 1 : last->integer(0, 0) + 1;
    entry.prevHash = last->empty() ? std::string(storage::kZeroHashHex) : last->text(0, 1);
    entry.hash = storage::audit::accessEntryHash(entry);
    auto inserted = m_session->run(
        "INSERT INTO access_log (seq, at_ms, auditor, period_from, period_to, doors, opened,"
        " reason, seal_kids, export_created_at, prev_hash, hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {entry.seq, entry.atMs, entry.auditor, entry.from, entry.to, entry.doors, entry.opened,
         entry.reason, entry.sealKids, entry.exportCreatedAt, entry.prevHash, entry.hash});
    if (!inserted)
        return fail(inserted.error());
    if (auto committed = m_session->commit(); !committed)
        return fail(committed.error());
    return entry;
}

Result<std::vector<storage::audit::AccessEntry>> CentralStore::accessEntries() {
    std::lock_guard lock(m_mutex);
    if (auto ready = ensureAccessLogLocked(); !ready)
        return ready.error();
    auto rows = m_session->run(
        "SELECT seq, at_ms, auditor, period_from, period_to, doors, opened, reason, seal_kids,"
        " export_created_at, prev_hash, hash FROM access_log ORDER BY seq");
    if (!rows)
        return rows.error();
    std::vector<storage::audit::AccessEntry> entries;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        storage::audit::AccessEntry e;
        e.seq = rows->integer(i, 0);
        e.atMs = rows->integer(i, 1);
        e.auditor = rows->text(i, 2);
        e.from = rows->text(i, 3);
        e.to = rows->text(i, 4);
        e.doors = rows->text(i, 5);
        e.opened = rows->integer(i, 6);
        e.reason = rows->text(i, 7);
        e.sealKids = rows->text(i, 8);
        e.exportCreatedAt = rows->text(i, 9);
        e.prevHash = rows->text(i, 10);
        e.hash = rows->text(i, 11);
        entries.push_back(std::move(e));
    }
    return entries;
}

} // namespace doorpost::sync::central
