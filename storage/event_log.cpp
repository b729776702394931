#include "storage/event_log.hpp"

#include "storage/base/hex.hpp"
#include "storage/clock_evidence.hpp"
#include "storage/event_row.hpp"

#include <fstream>
#include <sodium.h>

namespace doorpost::storage {

namespace {

Result<std::string> requireMeta(Database& db, std::string_view key) {
    auto value = db.meta(key);
    if (!value) {
        return value.error();
    }
    if (!value->has_value()) {
        return environmentFault("storage fault: meta '" + std::string(key) + "' is missing");
    }
    return **value;
}

} // namespace

Result<EventLog> EventLog::open(Database& db) {
    EventLog log;
    log.m_db = &db;
    auto epoch = requireMeta(db, "epoch");
    if (!epoch) {
        return epoch.error();
    }
    log.m_epoch = *epoch;
    log.m_bootId = currentBootId();

    struct Prepared {
        Statement* target;
        const char* sql;
    };
    const std::string insert = std::string("INSERT INTO events(") + kEventColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    // The index is on the key's first 16 characters (migration 7); the full key is compared on
    // the row. The unary + keeps SQLite's planner from weighing a whole-key term it has no
    // index for against the index it has (without it, it scans the table).
    // Admissions (migration 8, storage/event_log_admissions.cpp). The block still filling is
    // read by seq; the filed ones by the key's first 16 characters, newest first, with the full
    // key compared on the event's row.
    const std::string recentAdmission =
        std::string("SELECT ") + kEventColumns +
        " FROM events WHERE seq = (SELECT max(seq) FROM recent_admissions WHERE subject_key = ?1)";
    const std::string filedAdmission =
        std::string("SELECT ") + kEventColumns +
        " FROM admissions_by_subject f JOIN events ON seq = f.event_seq"
        " WHERE f.subject_prefix = substr(?1, 1, 16) AND subject_key = ?1"
        " ORDER BY f.event_seq DESC LIMIT 1";
    const Prepared prepared[] = {
        // count, last_seq, head hash, device id. sqlite_sequence is AUTOINCREMENT's counters
        // row; the head hash is NULL when the event at last_seq is gone (a tampered tail).
        {&log.m_head,
         "SELECT h.last, h.last,"
         " CASE WHEN h.last = 0"
         "  THEN '0000000000000000000000000000000000000000000000000000000000000000'"
         "  ELSE (SELECT hash FROM events WHERE seq = h.last) END,"
         " (SELECT value FROM meta WHERE key = 'device_id')"
         " FROM (SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)"
         "       AS last) AS h"},
        {&log.m_insert, insert.c_str()},
        {&log.m_recentAdmission, recentAdmission.c_str()},
        {&log.m_filedAdmission, filedAdmission.c_str()},
        // The block of 1024 seqs ending at ?1: its wall-time summary (migration 6) and its
        // admissions (migration 8).
        {&log.m_summarizeBlock,
         "INSERT OR REPLACE INTO events_wall_time(block, min_wall_ms, max_wall_ms)"
         " SELECT (?1 - 1) / 1024, MIN(wall_time_ms), MAX(wall_time_ms) FROM events"
         " WHERE seq BETWEEN ?1 - 1023 AND ?1"},
        {&log.m_fileAdmissions,
         "INSERT OR IGNORE INTO admissions_by_subject(subject_prefix, event_seq)"
         " SELECT substr(subject_key, 1, 16), seq FROM events"
         " WHERE seq BETWEEN ?1 - 1023 AND ?1 AND verdict = 'admit'"},
    };
    for (const auto& item : prepared) {
        auto stmt = db.prepare(item.sql);
        if (!stmt) {
            return stmt.error();
        }
        *item.target = std::move(*stmt);
    }
    return log;
}

Result<std::int64_t> EventLog::append(const EventDraft& draft) {
    if (auto valid = validateDraft(draft); !valid) {
        return valid.error();
    }
    auto tx = Transaction::begin(*m_db);
    if (!tx) {
        return tx.error();
    }
    auto seq = insertInTransaction(draft);
    if (!seq) {
        m_cachedHead.reset();
        return seq.error();
    }
    if (auto committed = tx->commit(); !committed) {
        m_cachedHead.reset();
        return committed.error();
    }
    // Our own COMMIT moved the data version; what it moved to is the version of m_cachedHead.
    m_cachedVersion = dataVersion();
    return *seq;
}

Result<std::int64_t> EventLog::appendMany(const std::vector<EventDraft>& drafts) {
    for (const auto& draft : drafts) {
        if (auto valid = validateDraft(draft); !valid) {
            return valid.error();
        }
    }
    auto tx = Transaction::begin(*m_db);
    if (!tx) {
        return tx.error();
    }
    std::int64_t last = 0;
    for (const auto& draft : drafts) {
        auto seq = insertInTransaction(draft);
        if (!seq) {
            m_cachedHead.reset();
            return seq.error();
        }
        last = *seq;
    }
    if (drafts.empty()) {
        // Nothing checked the cached head in this transaction, so it cannot be vouched for
        // at the version this COMMIT leaves.
        m_cachedHead.reset();
        auto head = status();
        if (!head) {
            return head.error();
        }
        last = head->lastSeq;
    }
    if (auto committed = tx->commit(); !committed) {
        m_cachedHead.reset();
        return committed.error();
    }
    m_cachedVersion = dataVersion();
    return last;
}

unsigned EventLog::dataVersion() const {
    unsigned version = 0;
    sqlite3_file_control(m_db->handle(), "main", SQLITE_FCNTL_DATA_VERSION, &version);
    return version;
}

Result<EventLog::Head> EventLog::headInTransaction() {
    // Threads: one EventLog is used by one thread; m_cachedHead is that thread's alone. Other
    // writers are other connections, seen through the data version (we hold the write lock
    // here, so none can commit between this check and our COMMIT).
    const unsigned version = dataVersion();
    if (m_cachedHead && version == m_cachedVersion) {
        return *m_cachedHead;
    }
    m_cachedHead.reset();
    auto headRow = m_head.step();
    if (!headRow || !*headRow) {
        m_head.reset();
        return headRow ? environmentFault("storage fault: the log head cannot be read")
                       : headRow.error();
    }
    if (m_head.columnIsNull(2)) {
        const auto last = m_head.columnInt(1);
        m_head.reset();
        return environmentFault("storage fault: the head event (seq " + std::to_string(last) +
                                ") is missing; the log must be verified");
    }
    Head head;
    head.seq = m_head.columnInt(1);
    head.hash = m_head.columnText(2);
    head.deviceId = m_head.columnText(3);
    m_head.reset();
    m_cachedVersion = version;
    return head;
}

std::string EventLog::randomEventId() {
    constexpr std::size_t kIdBytes = 16;
    if (m_entropyUsed + kIdBytes > m_entropy.size()) {
        // sodium_init is idempotent and thread-safe; it must precede randombytes.
        if (sodium_init() < 0) {
            return randomHex(kIdBytes);
        }
        randombytes_buf(m_entropy.data(), m_entropy.size());
        m_entropyUsed = 0;
    }
    std::string id = toHex(m_entropy.data() + m_entropyUsed, kIdBytes);
    // Used bytes are wiped so that a later id can never repeat them, even after a bug.
    sodium_memzero(m_entropy.data() + m_entropyUsed, kIdBytes);
    m_entropyUsed += kIdBytes;
    return id;
}

Result<std::int64_t> EventLog::insertInTransaction(const EventDraft& draft) {
    auto head = headInTransaction();
    if (!head) {
        return head.error();
    }
    Event event;
    event.seq = head->seq + 1;
    event.prevHash = std::move(head->hash);
    event.deviceId = std::move(head->deviceId);

    event.eventId = randomEventId();
    event.epoch = m_epoch;
    event.wallTimeMs = draft.wallTimeMs.value_or(realtimeMs());
    event.monotonicMs = draft.monotonicMs.value_or(monotonicMs());
    event.bootId = m_bootId;
    event.kind = draft.kind;
    event.credentialType = draft.credentialType;
    event.subjectKey = draft.subjectKey;
    event.maskedId = draft.maskedId;
    event.verdict = draft.verdict;
    event.reasons = draft.reasons;
    event.operatorId = draft.operatorId;
    event.detail = draft.detail;
    event.hash = eventHash(event);
    if (event.hash.empty()) {
        return environmentFault("storage fault: the head event holds a malformed hash");
    }

    // In place: `event` and `reasons` outlive run(), which resets the statement. Copying 15
    // strings into SQLite was a tenth of an append's instructions.
    const std::string reasons = joinReasons(event.reasons);
    m_insert.bind(1, event.seq)
        .bindInPlace(2, event.eventId)
        .bindInPlace(3, event.epoch)
        .bindInPlace(4, event.deviceId)
        .bind(5, event.wallTimeMs)
        .bind(6, event.monotonicMs)
        .bindInPlace(7, event.bootId)
        .bindInPlace(8, toString(event.kind))
        .bindInPlace(9, event.credentialType)
        .bindInPlace(10, event.subjectKey)
        .bindInPlace(11, event.maskedId)
        .bindInPlace(12, toString(event.verdict))
        .bindInPlace(13, reasons)
        .bindInPlace(14, event.operatorId)
        .bindInPlace(15, event.detail)
        .bindInPlace(16, event.prevHash)
        .bindInPlace(17, event.hash);
    if (auto inserted = m_insert.run(); !inserted) {
        return inserted.error();
    }
    if (auto closed = closeBlockIfComplete(event.seq); !closed) {
        return closed.error();
    }
    // The next insert in this transaction (appendMany) chains onto this one; the data version
    // moves only at COMMIT, after which append() records it.
    m_cachedHead = Head{event.seq, event.hash, event.deviceId};
    return event.seq;
}

Result<void> EventLog::closeBlockIfComplete(std::int64_t seq) {
    if (seq % kBlock != 0) {
        return {};
    }
    if (auto summarized = m_summarizeBlock.bind(1, seq).run(); !summarized) {
        return summarized;
    }
    return m_fileAdmissions.bind(1, seq).run();
}

Result<void> EventLog::forEachInSeqRange(std::int64_t from, std::int64_t to,
                                         const std::function<bool(const Event&)>& visit) {
    auto stmt = m_db->prepare(std::string("SELECT ") + kEventColumns +
                              " FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, from).bind(2, to);
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return row.error();
        }
        if (!*row || !visit(rowToEvent(*stmt))) {
            return {};
        }
    }
}

Result<std::vector<Event>> EventLog::readSeqRange(std::int64_t from, std::int64_t to) {
    std::vector<Event> events;
    auto read = forEachInSeqRange(from, to, [&](const Event& event) {
        events.push_back(event);
        return true;
    });
    if (!read) {
        return read.error();
    }
    return events;
}

Result<LogStatus> EventLog::status() {
    auto row = m_head.step();
    LogStatus status;
    if (row && *row) {
        status.events = m_head.columnInt(0);
        status.lastSeq = m_head.columnInt(1);
        status.headHash = m_head.columnText(2);
        status.deviceId = m_head.columnText(3);
    }
    m_head.reset();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return environmentFault("storage fault: the log head cannot be read");
    }
    status.epoch = m_epoch;
    return status;
}

Result<void> EventLog::setDeviceId(std::string_view deviceId) {
    if (deviceId.empty() || deviceId.find('\0') != std::string_view::npos) {
        return badInput("device_id: must be a non-empty text");
    }
    return m_db->setMeta("device_id", deviceId);
}

} // namespace doorpost::storage
