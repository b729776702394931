#include "kiosk/app/status_reader.hpp"

#include "kiosk/gate/clock_watch.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_store.hpp"
#include "sync/client/sync_state.hpp"

#include <algorithm>
#include <map>

namespace doorpost::kiosk::app {

Result<KioskStatus> readKioskStatus(storage::Database& db, storage::EventLog& log) {
    KioskStatus status;
    storage::TrustStore trust(db);
    auto entries = trust.entries();
    if (!entries.ok()) {
        return entries.error();
    }
    // Like the gate's trust snapshot: a list is good until its latest valid-until (a fresh
    // fetch renews it); the data as a whole until the earliest of those.
    std::map<storage::TrustKind, std::int64_t> listUntil;
    for (const storage::TrustEntry& entry : entries.value()) {
        if (entry.kind == storage::TrustKind::SealKey) {
            status.sealKey = status.sealKey || entry.material.size() == 64;
            continue;
        }
        auto& until = listUntil[entry.kind];
        until = std::max(until, entry.validUntil);
        status.trustFetchedUnix = std::max(status.trustFetchedUnix, entry.fetchedAt);
    }
    auto denied = trust.denied();
    if (!denied.ok()) {
        return denied.error();
    }
    std::int64_t denyUntil = 0;
    for (const storage::DeniedPass& pass : denied.value()) {
        denyUntil = std::max(denyUntil, pass.validUntil);
        status.trustFetchedUnix = std::max(status.trustFetchedUnix, pass.fetchedAt);
    }
    std::vector<std::int64_t> untils;
    for (const auto& [kind, until] : listUntil) {
        untils.push_back(until);
    }
    if (denyUntil > 0) {
        untils.push_back(denyUntil);
    }
    if (!untils.empty()) {
        status.trustValidUntilUnix = *std::min_element(untils.begin(), untils.end());
    }

    storage::RosterStore roster(db);
    auto info = roster.info();
    if (!info.ok()) {
        return info.error();
    }
    if (info.value()) {
        status.rosterLoaded = true;
        status.rosterCount = info.value()->count;
        status.rosterValidUntilUnix = info.value()->validUntil;
    }

    auto head = log.status();
    if (!head.ok()) {
        return head.error();
    }
    sync::client::SyncState sync(db);
    auto position = sync.position(head.value().epoch);
    if (!position.ok()) {
        return position.error();
    }
    status.eventsWaiting =
        std::max<std::int64_t>(0, head.value().lastSeq - position.value().ackedThrough);
    status.lastSyncUnix = position.value().lastSyncMs / 1000;

    auto clock = gate::ClockWatch::open(db);
    if (!clock.ok()) {
        return clock.error();
    }
    auto reading = clock.value().read();
    if (!reading.ok()) {
        return reading.error();
    }
    status.clockState = std::string(policy::toString(reading.value().state));
    status.clockWallUnix = reading.value().wallMs / 1000;
    status.clockEstimateUnix = reading.value().estimateMs / 1000;
    status.clockOffsetMs = reading.value().offsetMs;
    status.clockFloor = !reading.value().exact;
    return status;
}

Result<std::vector<RosterEntry>> readRoster(storage::Database& db, const std::string& search) {
    auto select = db.prepare(
        "SELECT r.candidate_number, r.name, r.masked_id, r.room, r.seat,"
        // Admitted: filed per block, or in the block still filling (storage/migrations.cpp, 8;
        // storage/event_log_admissions.cpp). The recent ones are gathered once for all rows.
        " EXISTS (SELECT 1 FROM admissions_by_subject f JOIN events e ON e.seq = f.event_seq"
        "  WHERE f.subject_prefix = substr(r.subject_key, 1, 16) AND e.subject_key = r.subject_key)"
        " OR r.subject_key IN (SELECT subject_key FROM recent_admissions)"
        " FROM roster r"
        " WHERE ?1 = '' OR instr(r.candidate_number, ?1) > 0 OR instr(r.name, ?1) > 0"
        " ORDER BY r.candidate_number LIMIT 2000");
    if (!select.ok()) {
        return select.error();
    }
    select.value().bind(1, std::string_view(search));
    std::vector<RosterEntry> out;
    for (;;) {
        auto row = select.value().step();
        if (!row.ok()) {
            return row.error();
        }
        if (!row.value()) {
            return out;
        }
        const auto& s = select.value();
        out.push_back({s.columnText(0), s.columnText(1), s.columnText(2), s.columnText(3),
                       s.columnText(4), s.columnInt(5) != 0});
    }
}

} // namespace doorpost::kiosk::app
