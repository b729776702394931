#include "storage/migrations.hpp"

#include "storage/statement.hpp"

#include <string>

namespace doorpost::storage {

namespace {

// Append new migrations at the end. Each entry: a stable name and its SQL.
constexpr Migration kMigrations[] = {
    {"event log",
     R"sql(
-- Small settings of this database. epoch is random and made once, at creation: a new database
-- (a reinstall, a corrupt file moved aside) is a new epoch, so seq restarts cannot be confused.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('epoch', lower(hex(randomblob(16))));
INSERT INTO meta(key, value) VALUES ('device_id', 'dev-' || lower(hex(randomblob(4))));
INSERT INTO meta(key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- The append-only event log (docs/event-log.md). Hashes and ids are lowercase hex.
CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL,
    epoch           TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    wall_time_ms    INTEGER NOT NULL,
    monotonic_ms    INTEGER NOT NULL,
    boot_id         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('scan', 'manual', 'operator', 'system')),
    credential_type TEXT NOT NULL,
    subject_key     TEXT NOT NULL,
    masked_id       TEXT NOT NULL,
    verdict         TEXT NOT NULL CHECK (verdict IN ('', 'admit', 'deny', 'refer')),
    reasons         TEXT NOT NULL,
    operator        TEXT NOT NULL,
    detail          TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
-- The re-entry rule asks for the last admission of a subject; only admissions are indexed.
CREATE INDEX events_admission_by_subject ON events(subject_key, seq) WHERE verdict = 'admit';
CREATE INDEX events_by_wall_time ON events(wall_time_ms);

-- One row, updated in the same transaction as each append, so status never scans the table.
CREATE TABLE log_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    count     INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    head_hash TEXT NOT NULL
);
INSERT INTO log_head(id, count, last_seq, head_hash)
    VALUES (1, 0, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql"},
    {"trust data and roster",
     R"sql(
-- Trusted keys (storage/trust_store.hpp): DCC DSCs, Doorpost issuer keys, the central's
-- sealing key. material is hex (a DSC's DER, a raw public key); key_id is hex.
CREATE TABLE trust_entries (
    kind        TEXT NOT NULL CHECK (kind IN ('dsc', 'pass_key', 'seal_key')),
    key_id      TEXT NOT NULL,
    material    TEXT NOT NULL,
    label       TEXT NOT NULL,
    source      TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    PRIMARY KEY (kind, material)
) WITHOUT ROWID;
CREATE INDEX trust_entries_by_kid ON trust_entries(key_id);
-- Revoked passes.
CREATE TABLE deny_list (
    pass_id     TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    valid_until INTEGER NOT NULL
) WITHOUT ROWID;
-- The site roster (storage/roster_store.hpp), replaced whole; its provenance in one row.
CREATE TABLE roster (
    candidate_number TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    subject_key      TEXT NOT NULL,
    masked_id        TEXT NOT NULL,
    session          TEXT NOT NULL,
    room             TEXT NOT NULL,
    seat             TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX roster_by_subject ON roster(subject_key);
CREATE TABLE roster_source (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    source      TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    count       INTEGER NOT NULL
);
)sql"},
    {"sync state",
     R"sql(
-- The sync worker's tables (sync/sync_state.cpp): what the central acknowledged per epoch,
-- records it refused (quarantined; they travel as stubs), its findings, and the sets pulled
-- (roster, denylist, keys, config) with the server's cursor for each.
CREATE TABLE sync_push (
    epoch           TEXT PRIMARY KEY,
    acked_through   INTEGER NOT NULL,
    head_hash       TEXT NOT NULL,
    last_sync_ms    INTEGER NOT NULL,
    clock_offset_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sync_quarantine (
    epoch  TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at_ms  INTEGER NOT NULL,
    PRIMARY KEY (epoch, seq)
) WITHOUT ROWID;
CREATE TABLE sync_findings (
    epoch        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    subject_key  TEXT NOT NULL,
    other_device TEXT NOT NULL,
    other_seq    INTEGER NOT NULL,
    detail       TEXT NOT NULL,
    received_ms  INTEGER NOT NULL,
    PRIMARY KEY (epoch, seq, kind)
) WITHOUT ROWID;
CREATE TABLE sync_sets (
    name        TEXT PRIMARY KEY,
    cursor      INTEGER NOT NULL,
    -- mid-snapshot (a snapshot spans pages): where the next page starts, and the snapshot's base
    snapshot_after INTEGER NOT NULL DEFAULT 0,
    snapshot_base  INTEGER NOT NULL DEFAULT 0,
    valid_until TEXT NOT NULL,
    applied_ms  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sync_set_items (
    set_name TEXT NOT NULL,
    item_key TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (set_name, item_key)
) WITHOUT ROWID;
)sql"},
    {"event log head from sqlite_sequence",
     R"sql(
-- AUTOINCREMENT already keeps a counters row, sqlite_sequence, updated in each append's
-- transaction: it holds the last seq ever used (events are never deleted, so also the count),
-- and the head hash is the row at that seq. log_head duplicated it and cost every commit one
-- more page written and synced.
DROP TABLE log_head;
)sql"},
    {"events checks without IN lists",
     R"sql(
-- SQLite evaluates a CHECK "x IN (a, b, c, ...)" of more than two values by building a temporary
-- b-tree of the list on every INSERT: two of them per append, a fifth of its CPU time. The same
-- checks written as OR-ed equalities cost a few comparisons. A CHECK cannot be altered, so the
-- table is rebuilt (SQLite's documented procedure) with the rows, their seqs and AUTOINCREMENT's
-- counter unchanged (the counter may lie beyond the last row if a tail was removed; the verifier
-- must still see that).
CREATE TABLE events_rebuilt (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL,
    epoch           TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    wall_time_ms    INTEGER NOT NULL,
    monotonic_ms    INTEGER NOT NULL,
    boot_id         TEXT NOT NULL,
    kind            TEXT NOT NULL
        CHECK (kind = 'scan' OR kind = 'manual' OR kind = 'operator' OR kind = 'system'),
    credential_type TEXT NOT NULL,
    subject_key     TEXT NOT NULL,
    masked_id       TEXT NOT NULL,
    verdict         TEXT NOT NULL
        CHECK (verdict = '' OR verdict = 'admit' OR verdict = 'deny' OR verdict = 'refer'),
    reasons         TEXT NOT NULL,
    operator        TEXT NOT NULL,
    detail          TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
INSERT INTO events_rebuilt SELECT seq, event_id, epoch, device_id, wall_time_ms, monotonic_ms,
    boot_id, kind, credential_type, subject_key, masked_id, verdict, reasons, operator, detail,
    prev_hash, hash FROM events ORDER BY seq;
DELETE FROM sqlite_sequence WHERE name = 'events_rebuilt';
UPDATE sqlite_sequence SET name = 'events_rebuilt' WHERE name = 'events';
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_admission_by_subject ON events(subject_key, seq) WHERE verdict = 'admit';
CREATE INDEX events_by_wall_time ON events(wall_time_ms);
)sql"},
    {"wall-time summaries instead of the wall-time index",
     R"sql(
-- The wall-time index cost every append one more page written and synced, for queries that are
-- rare (the audit export's period, the staff screen's counters). A block of 1024 events gets
-- one summary row instead, written by the append that completes the block (storage/
-- event_log_wall_time.cpp): time-range reads skip the blocks whose [min, max] misses the range
-- and filter the rest, and the blocks not yet summarised. Wall clocks can jump back, so a
-- block's range is its true min and max, not its first and last event.
DROP INDEX events_by_wall_time;
CREATE TABLE events_wall_time (
    block       INTEGER PRIMARY KEY, -- events with (seq - 1) / 1024 = block
    min_wall_ms INTEGER NOT NULL,
    max_wall_ms INTEGER NOT NULL
);
INSERT INTO events_wall_time(block, min_wall_ms, max_wall_ms)
    SELECT (seq - 1) / 1024, MIN(wall_time_ms), MAX(wall_time_ms) FROM events
    GROUP BY (seq - 1) / 1024 HAVING COUNT(*) = 1024;
)sql"},
    {"admission index on a subject key prefix",
     R"sql(
-- The admission index held whole subject keys (64 hex characters) and seq, about 75 bytes an
-- entry: the gate writes one entry per admission at a random place, and a leaf of big entries
-- splits often. The key's first 16 hex characters (64 bits of a salted hash) tell subjects
-- apart as well for finding them; the lookup compares the full key on the row. seq needs no
-- column of its own: it is the rowid, which every index entry ends with, so entries of one
-- prefix are already in seq order. Entries are a quarter of the size; bench write measured the
-- ratio 0.78 -> 0.81 with nothing else changed.
DROP INDEX events_admission_by_subject;
CREATE INDEX events_admission_by_subject ON events(substr(subject_key, 1, 16))
    WHERE verdict = 'admit';
)sql"},
    {"admissions filed per block instead of the admission index",
     R"sql(
-- Even small, the admission index cost every admitting append one more page, at a random place,
-- written and synced before the verdict could be shown. Admissions are filed per block of 1024
-- seqs instead, like the wall-time summaries (migration 6): the append that completes a block
-- files the block's admits, in its own transaction (storage/event_log_admissions.cpp). The
-- admits of the block still filling are in recent_admissions: at most 1023 rows, read by seq.
-- The re-entry lookup reads both; an append writes the event's page and nothing at random.
CREATE TABLE admissions_by_subject (
    subject_prefix TEXT NOT NULL,    -- substr(subject_key, 1, 16): 64 bits of a salted hash
    event_seq      INTEGER NOT NULL, -- the admit's seq; the full key is compared on its row
    PRIMARY KEY (subject_prefix, event_seq)
) WITHOUT ROWID;
INSERT INTO admissions_by_subject(subject_prefix, event_seq)
    SELECT substr(subject_key, 1, 16), seq FROM events
    WHERE verdict = 'admit' AND seq <= (SELECT coalesce(max(seq), 0) / 1024 * 1024 FROM events);
-- Bounded by the last event there is (not AUTOINCREMENT's counter): after a removed tail it
-- reaches back into a filed block, which is only slower, never a miss.
CREATE VIEW recent_admissions(seq, subject_key) AS
    SELECT seq, subject_key FROM events
    WHERE verdict = 'admit' AND seq > (SELECT coalesce(max(seq), 0) / 1024 * 1024 FROM events);
DROP INDEX events_admission_by_subject;
)sql"},
    {"clock anchors",
     R"sql(
-- Moments whose true time the kiosk learnt from outside its own clock (docs/clock.md): the
-- central's Date header at each sync, a staff member confirming or setting the time. With the
-- boot id and CLOCK_BOOTTIME of that moment, an anchor gives the time for the rest of that boot
-- whatever the wall clock does; in a later boot it still says "at least this late".
CREATE TABLE clock_anchors (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL CHECK (source IN ('sync', 'staff')),
    boot_id      TEXT NOT NULL,
    boottime_ms  INTEGER NOT NULL,
    wall_ms      INTEGER NOT NULL,
    reference_ms INTEGER NOT NULL
);
CREATE INDEX clock_anchors_by_boot ON clock_anchors(boot_id, id);
)sql"},
    {"site doors and peer events",
     R"sql(
-- The doors of this kiosk's site as the central published them (the signed "site" set,
-- docs/mesh.md): whom the door serves its chain to and whose chains it pulls, with the public
-- key each one's answers must be signed with.
CREATE TABLE site_doors (
    device     TEXT PRIMARY KEY,
    site       TEXT NOT NULL,
    device_key TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
-- Peers' events, apart from this door's own chain (which stays its own, as the central and the
-- auditors expect). Idempotent by (device, epoch, seq), like the central's ingest; the whole
-- canonical record is kept so that each link can be checked again.
CREATE TABLE peer_events (
    device       TEXT NOT NULL,
    epoch        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    wall_time_ms INTEGER NOT NULL,
    verdict      TEXT NOT NULL,
    subject_key  TEXT NOT NULL,
    detail       TEXT NOT NULL,
    record       TEXT NOT NULL,
    received_ms  INTEGER NOT NULL,
    PRIMARY KEY (device, epoch, seq)
) WITHOUT ROWID;
-- The duplicate rule's lookup: a peer's admissions by subject, newest first.
CREATE INDEX peer_admissions ON peer_events(subject_key, wall_time_ms)
    WHERE verdict = 'admit' AND subject_key <> '';
-- How far each peer chain is held, and when it last moved or was confirmed.
CREATE TABLE peer_heads (
    device     TEXT NOT NULL,
    epoch      TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (device, epoch)
) WITHOUT ROWID;
)sql"},
};

Result<int> userVersion(sqlite3* db) {
    Result<Statement> stmt = Statement::prepare(db, "PRAGMA user_version");
    if (!stmt) {
        return stmt.error();
    }
    Result<bool> row = stmt->step();
    if (!row) {
        return row.error();
    }
    return static_cast<int>(stmt->columnInt(0));
}

Result<void> execAll(sqlite3* db, const char* sql, const std::string& what) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        Error error = sqliteError(db, rc, what);
        sqlite3_free(message);
        return error;
    }
    return {};
}

// The names already recorded must match the list, position by position.
Result<void> checkAppliedNames(sqlite3* db, std::span<const Migration> list, int applied) {
    Result<Statement> stmt =
        Statement::prepare(db, "SELECT version, name FROM schema_migrations ORDER BY version");
    if (!stmt) {
        return stmt.error();
    }
    for (;;) {
        Result<bool> row = stmt->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return {};
        }
        const auto version = stmt->columnInt(0);
        const std::string name = stmt->columnText(1);
        if (version < 1 || version > applied || name != list[version - 1].name) {
            return environmentFault("storage fault: schema migration " + std::to_string(version) +
                                    " in the database is '" + name +
                                    "', which this build does not know at that position");
        }
    }
}

} // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

Result<void> applyMigrations(sqlite3* db, std::span<const Migration> list, int target) {
    const int wanted = target < 0 ? static_cast<int>(list.size()) : target;
    Result<int> current = userVersion(db);
    if (!current) {
        return current.error();
    }
    if (*current > static_cast<int>(list.size())) {
        // An older binary after a downgrade: it must not guess at tables it does not know, and
        // it changes nothing, so the newer one installed again finds its data as it left it.
        return environmentFault("storage fault: the database has schema version " +
                                std::to_string(*current) + ", newer than this build's " +
                                std::to_string(list.size()) +
                                "; a newer version wrote it: left untouched, install that one");
    }
    // The bookkeeping table is created outside the numbered list so version 0 needs nothing.
    if (auto made = execAll(db,
                            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                            " applied_at TEXT NOT NULL)",
                            "create schema_migrations");
        !made) {
        return made;
    }
    if (auto names = checkAppliedNames(db, list, *current); !names) {
        return names;
    }
    for (int version = *current + 1; version <= wanted; ++version) {
        const Migration& migration = list[version - 1];
        const std::string what =
            "migration " + std::to_string(version) + " (" + migration.name + ")";
        if (auto begun = execAll(db, "BEGIN IMMEDIATE", what); !begun) {
            return begun;
        }
        Result<void> step = execAll(db, migration.sql, what);
        if (step) {
            Result<Statement> record =
                Statement::prepare(db, "INSERT INTO schema_migrations(version, name, applied_at)"
                                       " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
            step = record ? record->bind(1, version).bind(2, migration.name).run()
                          : Result<void>(record.error());
        }
        if (step) {
            // PRAGMA takes no parameters; the number is ours, not input.
            step = execAll(db, ("PRAGMA user_version = " + std::to_string(version)).c_str(), what);
        }
        if (step) {
            step = execAll(db, "COMMIT", what);
        }
        if (!step) {
            if (sqlite3_get_autocommit(db) == 0) {
                sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            }
            return step;
        }
    }
    return {};
}

} // namespace doorpost::storage
