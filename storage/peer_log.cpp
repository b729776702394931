#include "storage/peer_log.hpp"

#include "storage/base/iso_time.hpp"

#include <chrono>

namespace doorpost::storage {
namespace {

// A door's events carry the id the central gave it from enrolment on, and the "dev-" id it made
// itself before (storage/event.hpp). A peer is in the site set only once enrolled, but its chain
// begins before that.
bool carriesDevice(const Event& event, const std::string& device) {
    return event.deviceId == device || event.deviceId.rfind("dev-", 0) == 0;
}

Result<void> refuse(const std::string& device, std::int64_t seq, const std::string& why) {
    return badInput("peer " + device + " record " + std::to_string(seq) + ": " + why);
}

} // namespace

Result<PeerLog> PeerLog::open(Database& db) {
    PeerLog log;
    log.m_db = &db;
    return log;
}

Result<std::optional<PeerHead>> PeerLog::head(const std::string& device, const std::string& epoch) {
    auto select = m_db->prepare(
        "SELECT seq, hash, updated_ms FROM peer_heads WHERE device = ?1 AND epoch = ?2");
    if (!select)
        return select.error();
    select->bind(1, device).bind(2, epoch);
    auto row = select->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<PeerHead>();
    return std::optional<PeerHead>(
        PeerHead{device, epoch, select->columnInt(0), select->columnText(1), select->columnInt(2)});
}

Result<std::vector<PeerHead>> PeerLog::heads() {
    auto select = m_db->prepare(
        "SELECT device, epoch, seq, hash, updated_ms FROM peer_heads ORDER BY device, epoch");
    if (!select)
        return select.error();
    std::vector<PeerHead> out;
    while (true) {
        auto row = select->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        out.push_back(PeerHead{select->columnText(0), select->columnText(1), select->columnInt(2),
                               select->columnText(3), select->columnInt(4)});
    }
    return out;
}

Result<PeerBatchResult> PeerLog::accept(const std::string& device, const std::string& epoch,
                                        const std::vector<PeerRecord>& records) {
    auto transaction = Transaction::begin(*m_db);
    if (!transaction)
        return transaction.error();
    auto held = head(device, epoch);
    if (!held)
        return held.error();
    PeerBatchResult result;
    result.head = held->value_or(PeerHead{device, epoch, 0, std::string(kZeroHashHex), 0});
    auto heldHash =
        m_db->prepare("SELECT hash FROM peer_events WHERE device = ?1 AND epoch = ?2 AND seq = ?3");
    auto insert = m_db->prepare(
        "INSERT INTO peer_events(device, epoch, seq, hash, prev_hash, wall_time_ms, verdict,"
        " subject_key, detail, record, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!heldHash)
        return heldHash.error();
    if (!insert)
        return insert.error();
    const std::int64_t now = wallClockMs();
    for (const PeerRecord& record : records) {
        const Event& event = record.event;
        if (event.epoch != epoch)
            return refuse(device, event.seq, "epoch " + event.epoch + " is not " + epoch).error();
        if (!carriesDevice(event, device))
            return refuse(device, event.seq, "it is device " + event.deviceId + "'s").error();
        if (eventHash(event) != event.hash)
            return refuse(device, event.seq, "its hash is not its content's").error();
        if (event.seq <= result.head.seq) {
            // Held already: the same record again is a duplicate, another one a fork.
            heldHash->bind(1, device).bind(2, epoch).bind(3, event.seq);
            auto row = heldHash->step();
            const std::string stored = row && *row ? heldHash->columnText(0) : std::string();
            heldHash->reset();
            if (!row)
                return row.error();
            if (stored != event.hash)
                return refuse(device, event.seq, "it differs from the record held (a forked chain)")
                    .error();
            ++result.duplicates;
            continue;
        }
        if (event.seq != result.head.seq + 1)
            return refuse(device, event.seq,
                          "it does not follow the held head " + std::to_string(result.head.seq))
                .error();
        if (event.prevHash != result.head.hash)
            return refuse(device, event.seq, "its prev_hash is not the held head's hash").error();
        insert->bind(1, device)
            .bind(2, epoch)
            .bind(3, event.seq)
            .bind(4, event.hash)
            .bind(5, event.prevHash)
            .bind(6, event.wallTimeMs)
            .bind(7, toString(event.verdict))
            .bind(8, event.subjectKey)
            .bind(9, event.detail)
            .bind(10, record.record)
            .bind(11, now);
        if (auto ran = insert->run(); !ran)
            return ran.error();
        result.head.seq = event.seq;
        result.head.hash = event.hash;
        ++result.stored;
    }
    result.head.updatedMs = now;
    auto upsert = m_db->prepare(
        "INSERT INTO peer_heads(device, epoch, seq, hash, updated_ms) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(device, epoch) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
        " updated_ms = excluded.updated_ms");
    if (!upsert)
        return upsert.error();
    upsert->bind(1, device)
        .bind(2, epoch)
        .bind(3, result.head.seq)
        .bind(4, result.head.hash)
        .bind(5, now);
    if (auto ran = upsert->run(); !ran)
        return ran.error();
    if (auto committed = transaction->commit(); !committed)
        return committed.error();
    return result;
}

Result<void> PeerLog::touch(const std::string& device, const std::string& epoch) {
    auto update =
        m_db->prepare("UPDATE peer_heads SET updated_ms = ?1 WHERE device = ?2 AND epoch = ?3");
    if (!update)
        return update.error();
    update->bind(1, wallClockMs()).bind(2, device).bind(3, epoch);
    return update->run();
}

Result<std::optional<PeerAdmission>> PeerLog::lastAdmission(const std::string& subjectKey) {
    auto select =
        m_db->prepare("SELECT device, seq, wall_time_ms, detail FROM peer_events"
                      " WHERE subject_key = ?1 AND verdict = 'admit' AND subject_key <> ''"
                      " ORDER BY wall_time_ms DESC LIMIT 1");
    if (!select)
        return select.error();
    select->bind(1, subjectKey);
    auto row = select->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<PeerAdmission>();
    return std::optional<PeerAdmission>(PeerAdmission{select->columnText(0), select->columnInt(1),
                                                      select->columnInt(2), select->columnText(3)});
}

} // namespace doorpost::storage
