#include "storage/clock_evidence.hpp"

#include "storage/event_log.hpp"

#include <cstdlib>
#include <ctime>
#include <fstream>

namespace doorpost::storage {

namespace {

std::int64_t clockMs(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Result<std::int64_t> singleInt(Database& db, const char* sql) {
    auto stmt = db.prepare(sql);
    if (!stmt)
        return stmt.error();
    auto row = stmt->step();
    if (!row)
        return row.error();
    return *row ? stmt->columnInt(0) : 0;
}

} // namespace

std::string currentBootId() {
    // Tests only (docs/clock.md): a reboot is played by pointing this at another file.
    const char* override = std::getenv("DOORPOST_BOOT_ID_FILE");
    std::ifstream file(override && *override ? override : "/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(file, id);
    return id.empty() ? std::string("unknown") : id;
}

std::int64_t boottimeMs() {
    return clockMs(CLOCK_BOOTTIME);
}

std::int64_t realtimeMs() {
    return clockMs(CLOCK_REALTIME);
}

std::int64_t monotonicMs() {
    return clockMs(CLOCK_MONOTONIC);
}

std::string_view toString(AnchorSource source) {
    return source == AnchorSource::Staff ? "staff" : "sync";
}

Result<void> recordClockAnchor(Database& db, const ClockAnchor& anchor) {
    auto stmt = db.prepare("INSERT INTO clock_anchors (source, boot_id, boottime_ms, wall_ms,"
                           " reference_ms) VALUES (?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    return stmt->bind(1, std::string(toString(anchor.source)))
        .bind(2, anchor.bootId)
        .bind(3, anchor.boottimeMs)
        .bind(4, anchor.wallMs)
        .bind(5, anchor.referenceMs)
        .run();
}

Result<std::optional<ClockAnchor>> latestAnchorInBoot(Database& db, const std::string& bootId) {
    auto stmt = db.prepare("SELECT source, boottime_ms, wall_ms, reference_ms FROM clock_anchors"
                           " WHERE boot_id = ? ORDER BY id DESC LIMIT 1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, bootId);
    auto row = stmt->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<ClockAnchor>();
    ClockAnchor anchor;
    anchor.source = stmt->columnText(0) == "staff" ? AnchorSource::Staff : AnchorSource::Sync;
    anchor.bootId = bootId;
    anchor.boottimeMs = stmt->columnInt(1);
    anchor.wallMs = stmt->columnInt(2);
    anchor.referenceMs = stmt->columnInt(3);
    return std::optional<ClockAnchor>(anchor);
}

Result<std::int64_t> latestAnchorReferenceMs(Database& db) {
    return singleInt(db, "SELECT coalesce(max(reference_ms), 0) FROM clock_anchors");
}

Result<std::int64_t> latestEventWallMs(Database& db) {
    // Summarised blocks carry their max; the block still filling is at most kBlock - 1 rows.
    auto summarised = singleInt(db, "SELECT coalesce(max(max_wall_ms), 0) FROM events_wall_time");
    if (!summarised)
        return summarised.error();
    auto tail = singleInt(db, "SELECT coalesce(max(wall_time_ms), 0) FROM events WHERE seq >"
                              " (SELECT coalesce(max(block) + 1, 0) * 1024 FROM events_wall_time)");
    if (!tail)
        return tail.error();
    static_assert(EventLog::kBlock == 1024);
    return std::max(*summarised, *tail);
}

Result<std::int64_t> latestTrustFetchMs(Database& db) {
    auto fetched = singleInt(db, "SELECT max(coalesce((SELECT max(fetched_at) FROM trust_entries),"
                                 " 0), coalesce((SELECT max(fetched_at) FROM deny_list), 0),"
                                 " coalesce((SELECT max(fetched_at) FROM roster_source), 0))");
    if (!fetched)
        return fetched.error();
    return *fetched * 1000;
}

} // namespace doorpost::storage
