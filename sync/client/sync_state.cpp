#include "sync/client/sync_state.hpp"

#include "sync/client/set_apply.hpp"

namespace doorpost::sync::client {

using storage::Statement;
using storage::Transaction;

Result<PushPosition> SyncState::position(const std::string& epoch) {
    auto statement = m_db.prepare("SELECT acked_through, head_hash, last_sync_ms, clock_offset_ms"
                                  " FROM sync_push WHERE epoch = ?1");
    if (!statement)
        return statement.error();
    statement->bind(1, epoch);
    auto row = statement->step();
    if (!row)
        return row.error();
    PushPosition position;
    if (*row) {
        position.ackedThrough = statement->columnInt(0);
        position.headHash = statement->columnText(1);
        position.lastSyncMs = statement->columnInt(2);
        position.clockOffsetMs = statement->columnInt(3);
    }
    return position;
}

Result<void> SyncState::recordAck(const std::string& epoch, const PushResponse& response,
                                  std::int64_t clockOffsetMs, std::int64_t nowMs) {
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return transaction.error();
    auto upsert = m_db.prepare(
        "INSERT INTO sync_push (epoch, acked_through, head_hash, last_sync_ms, clock_offset_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (epoch) DO UPDATE SET"
        " acked_through = excluded.acked_through, head_hash = excluded.head_hash,"
        " last_sync_ms = excluded.last_sync_ms, clock_offset_ms = excluded.clock_offset_ms");
    if (!upsert)
        return upsert.error();
    upsert->bind(1, epoch).bind(2, response.ackedThrough).bind(3, response.headHash);
    upsert->bind(4, nowMs).bind(5, clockOffsetMs);
    if (auto done = upsert->run(); !done)
        return done.error();
    if (!response.findings.empty()) {
        auto insert = m_db.prepare(
            "INSERT INTO sync_findings (epoch, seq, kind, subject_key, other_device, other_seq,"
            " detail, received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            " ON CONFLICT (epoch, seq, kind) DO NOTHING");
        if (!insert)
            return insert.error();
        for (const auto& finding : response.findings) {
            insert->bind(1, epoch).bind(2, finding.seq).bind(3, finding.kind);
            insert->bind(4, finding.subjectKey).bind(5, finding.otherDevice);
            insert->bind(6, finding.otherSeq).bind(7, finding.detail).bind(8, nowMs);
            if (auto done = insert->run(); !done)
                return done.error();
        }
    }
    return transaction->commit();
}

Result<void> SyncState::quarantine(const std::string& epoch, std::int64_t seq, long status,
                                   const std::string& reason, std::int64_t nowMs) {
    auto insert = m_db.prepare("INSERT INTO sync_quarantine (epoch, seq, status, reason, at_ms)"
                               " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (epoch, seq) DO NOTHING");
    if (!insert)
        return insert.error();
    insert->bind(1, epoch).bind(2, seq).bind(3, static_cast<std::int64_t>(status));
    insert->bind(4, reason).bind(5, nowMs);
    return insert->run();
}

Result<std::map<std::int64_t, std::string>>
SyncState::quarantined(const std::string& epoch, std::int64_t from, std::int64_t to) {
    auto select = m_db.prepare("SELECT seq, reason FROM sync_quarantine WHERE epoch = ?1"
                               " AND seq BETWEEN ?2 AND ?3");
    if (!select)
        return select.error();
    select->bind(1, epoch).bind(2, from).bind(3, to);
    std::map<std::int64_t, std::string> out;
    for (;;) {
        auto row = select->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        out.emplace(select->columnInt(0), select->columnText(1));
    }
    return out;
}

Result<std::int64_t> SyncState::quarantineCount(const std::string& epoch) {
    auto select = m_db.prepare("SELECT COUNT(*) FROM sync_quarantine WHERE epoch = ?1");
    if (!select)
        return select.error();
    select->bind(1, epoch);
    auto row = select->step();
    if (!row)
        return row.error();
    return select->columnInt(0);
}

Result<std::int64_t> SyncState::findingCount() {
    auto select = m_db.prepare("SELECT COUNT(*) FROM sync_findings");
    if (!select)
        return select.error();
    auto row = select->step();
    if (!row)
        return row.error();
    return select->columnInt(0);
}

Result<SetCursor> SyncState::setCursor(const std::string& set) {
    auto select = m_db.prepare(
        "SELECT cursor, valid_until, (SELECT COUNT(*) FROM sync_set_items WHERE set_name = ?1),"
        " snapshot_after, snapshot_base"
        " FROM sync_sets WHERE name = ?1");
    if (!select)
        return select.error();
    select->bind(1, set);
    auto row = select->step();
    if (!row)
        return row.error();
    SetCursor cursor;
    if (*row) {
        cursor.cursor = select->columnInt(0);
        cursor.validUntil = select->columnText(1);
        cursor.items = select->columnInt(2);
        cursor.snapshotAfter = select->columnInt(3);
        cursor.snapshotBase = select->columnInt(4);
    }
    return cursor;
}

Result<void> SyncState::applySetPage(const SetPage& page, std::int64_t nowMs) {
    auto transaction = Transaction::begin(m_db);
    if (!transaction)
        return transaction.error();
    if (page.snapshot && page.after == 0) {
        auto clear = m_db.prepare("DELETE FROM sync_set_items WHERE set_name = ?1");
        if (!clear)
            return clear.error();
        clear->bind(1, page.set);
        if (auto done = clear->run(); !done)
            return done.error();
    }
    auto upsert = m_db.prepare("INSERT INTO sync_set_items (set_name, item_key, value)"
                               " VALUES (?1, ?2, ?3) ON CONFLICT (set_name, item_key)"
                               " DO UPDATE SET value = excluded.value");
    if (!upsert)
        return upsert.error();
    for (const auto& item : page.upserts) {
        upsert->bind(1, page.set).bind(2, item.key).bind(3, dumpJson(item.value));
        if (auto done = upsert->run(); !done)
            return done.error();
    }
    auto remove = m_db.prepare("DELETE FROM sync_set_items WHERE set_name = ?1 AND item_key = ?2");
    if (!remove)
        return remove.error();
    for (const auto& key : page.tombstones) {
        remove->bind(1, page.set).bind(2, key);
        if (auto done = remove->run(); !done)
            return done.error();
    }
    auto cursor =
        m_db.prepare("INSERT INTO sync_sets (name, cursor, snapshot_after, snapshot_base, "
                     "valid_until, applied_ms)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO UPDATE SET"
                     " cursor = excluded.cursor, snapshot_after = excluded.snapshot_after,"
                     " snapshot_base = excluded.snapshot_base, valid_until = excluded.valid_until,"
                     " applied_ms = excluded.applied_ms");
    if (!cursor)
        return cursor.error();
    // Mid-snapshot the set is not yet at any cursor: remember where the snapshot continues.
    const bool midSnapshot = page.snapshot && page.nextAfter > 0;
    cursor->bind(1, page.set).bind(2, midSnapshot ? 0 : page.nextCursor);
    cursor->bind(3, midSnapshot ? page.nextAfter : 0).bind(4, midSnapshot ? page.nextCursor : 0);
    cursor->bind(5, page.validUntil).bind(6, nowMs);
    if (auto done = cursor->run(); !done)
        return done.error();
    // The gate's roster, deny list and keys change in this same transaction (set_apply.hpp).
    if (auto applied = applyToReferenceData(m_db, page, nowMs); !applied)
        return applied.error();
    return transaction->commit();
}

Result<std::optional<nlohmann::json>> SyncState::setItem(const std::string& set,
                                                         const std::string& key) {
    auto select =
        m_db.prepare("SELECT value FROM sync_set_items WHERE set_name = ?1 AND item_key = ?2");
    if (!select)
        return select.error();
    select->bind(1, set).bind(2, key);
    auto row = select->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<nlohmann::json>();
    auto value = parseJson(select->columnText(0));
    if (!value)
        return value.error();
    return std::optional<nlohmann::json>(std::move(*value));
}

Result<std::optional<std::string>> SyncState::setKey() {
    return m_db.meta("sync_set_key");
}

Result<void> SyncState::setSetKey(const std::string& keyHex) {
    return m_db.setMeta("sync_set_key", keyHex);
}

} // namespace doorpost::sync::client
