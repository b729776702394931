#include "kiosk/app/log_query.hpp"

#include "kiosk/app/status_reader.hpp"
#include "storage/base/local_time.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "sync/client/sync_worker.hpp"
#include "sync/peer/mesh.hpp"

#include <ctime>
#include <map>

namespace doorpost::kiosk::app {
namespace {

constexpr std::int64_t kBucketSeconds = 600;

// Visits the events recorded in [fromMs, toMs) of wall time, in seq order.
Result<void> forEachByTime(storage::EventLog& log, std::int64_t fromMs, std::int64_t toMs,
                           const std::function<void(const storage::Event&)>& visit) {
    return log.forEachInWallTimeRange(fromMs, toMs, [&visit](const storage::Event& event) {
        visit(event);
        return true;
    });
}

// Adds one event to counters by verdict and kind: today's tally (TodayCounters) and a chart
// bucket (StatsBucket) count the same way.
template <typename Counters> void countEvent(Counters& c, const storage::Event& e) {
    c.admitted += e.verdict == Verdict::Admit ? 1 : 0;
    c.denied += e.verdict == Verdict::Deny ? 1 : 0;
    c.referred += e.verdict == Verdict::Refer ? 1 : 0;
    c.manual += e.kind == storage::EventKind::Manual ? 1 : 0;
}

} // namespace

LogQuery::LogQuery(std::string dbPath, const sync::client::SyncWorker* sync,
                   const sync::peer::Mesh* mesh)
    : m_path(std::move(dbPath)), m_sync(sync), m_mesh(mesh) {}

LogQuery::~LogQuery() = default;

Result<storage::EventLog*> LogQuery::log() {
    if (m_log) {
        return m_log.get();
    }
    auto db = storage::Database::open(m_path);
    if (!db.ok()) {
        return db.error();
    }
    m_db = std::make_unique<storage::Database>(std::move(db.value()));
    auto log = storage::EventLog::open(*m_db);
    if (!log.ok()) {
        m_db.reset();
        return log.error();
    }
    m_log = std::make_unique<storage::EventLog>(std::move(log.value()));
    return m_log.get();
}

void LogQuery::todayCounters(std::function<void(Result<TodayCounters>)> done) {
    m_worker.answer<TodayCounters>(
        [this]() -> Result<TodayCounters> {
            auto events = log();
            if (!events.ok()) {
                return events.error();
            }
            auto tallied = tallyToday(*events.value(), std::time(nullptr));
            if (!tallied.ok()) {
                return tallied.error();
            }
            return m_today.counters;
        },
        std::move(done));
}

Result<void> LogQuery::tallyToday(storage::EventLog& log, std::int64_t nowUnix) {
    auto head = log.status();
    if (!head.ok()) {
        return head.error();
    }
    const std::int64_t lastSeq = head.value().lastSeq;
    const std::int64_t dayStart = startOfLocalDay(nowUnix);
    if (m_today.fromMs != dayStart * 1000 || lastSeq < m_today.countedThrough) {
        // A new day (or another log under the same path): count it from the start. The next
        // midnight is found from a time safely inside the next day, whatever DST does.
        m_today = DayTally{dayStart * 1000, startOfLocalDay(dayStart + 30 * 3600) * 1000, 0, {}};
    }
    const auto count = [this, lastSeq](const storage::Event& e) {
        if (e.seq > lastSeq || e.wallTimeMs < m_today.fromMs || e.wallTimeMs >= m_today.toMs) {
            return true; // appended after the head read, or not today: not this tally's
        }
        countEvent(m_today.counters, e);
        return true;
    };
    auto walked = m_today.countedThrough == 0
                      ? log.forEachInWallTimeRange(m_today.fromMs, m_today.toMs, count)
                      : log.forEachInSeqRange(m_today.countedThrough + 1, lastSeq, count);
    if (!walked.ok()) {
        m_today.countedThrough = 0; // partly counted: start over next time
        m_today.counters = {};
        return walked.error();
    }
    m_today.countedThrough = lastSeq;
    return {};
}

void LogQuery::statsPer10Min(std::int64_t fromUnix, std::int64_t toUnix,
                             std::function<void(Result<std::vector<StatsBucket>>)> done) {
    m_worker.answer<std::vector<StatsBucket>>(
        [this, fromUnix, toUnix]() -> Result<std::vector<StatsBucket>> {
            auto events = log();
            if (!events.ok()) {
                return events.error();
            }
            std::map<std::int64_t, StatsBucket> buckets;
            auto walked = forEachByTime(
                *events.value(), fromUnix * 1000, toUnix * 1000, [&](const storage::Event& e) {
                    const std::int64_t start =
                        (e.wallTimeMs / 1000) / kBucketSeconds * kBucketSeconds;
                    StatsBucket& b = buckets[start];
                    b.startUnix = start;
                    countEvent(b, e);
                });
            if (!walked.ok()) {
                return walked.error();
            }
            // Every bucket from the first event to now, empty ones included, so the chart's
            // time axis is even.
            std::vector<StatsBucket> out;
            if (!buckets.empty()) {
                const std::int64_t last = toUnix / kBucketSeconds * kBucketSeconds;
                for (std::int64_t t = buckets.begin()->first; t <= last; t += kBucketSeconds) {
                    auto it = buckets.find(t);
                    out.push_back(it != buckets.end() ? it->second : StatsBucket{t});
                }
            }
            return out;
        },
        std::move(done));
}

void LogQuery::roster(std::string search,
                      std::function<void(Result<std::vector<RosterEntry>>)> done) {
    m_worker.answer<std::vector<RosterEntry>>(
        [this, search = std::move(search)]() -> Result<std::vector<RosterEntry>> {
            auto events = log();
            if (!events.ok()) {
                return events.error();
            }
            return readRoster(*m_db, search);
        },
        std::move(done));
}

void LogQuery::kioskStatus(std::function<void(Result<KioskStatus>)> done) {
    m_worker.answer<KioskStatus>(
        [this]() -> Result<KioskStatus> {
            auto events = log();
            if (!events.ok()) {
                return events.error();
            }
            auto status = readKioskStatus(*m_db, *events.value());
            if (status.ok() && m_sync != nullptr) {
                // The worker's own view is fresher than its tables: reachability, its last
                // round.
                const sync::client::SyncStatus live = m_sync->status();
                status.value().syncRunning = true;
                status.value().online = live.online;
                status.value().eventsWaiting =
                    live.rounds > 0 ? live.eventsWaiting : status.value().eventsWaiting;
                status.value().lastSyncUnix =
                    std::max(status.value().lastSyncUnix, live.lastSyncMs / 1000);
                status.value().syncError = live.lastError;
            }
            if (status.ok() && m_mesh != nullptr) {
                // The pullers' states, copied under their own short locks (no network, no disk).
                const sync::peer::MeshStatus mesh = m_mesh->status();
                status.value().meshRunning = mesh.running;
                status.value().meshKnown = mesh.known;
                status.value().meshReachable = mesh.reachable;
                status.value().meshOldestAgeMs = mesh.oldestAgeMs;
            }
            return status;
        },
        std::move(done));
}

} // namespace doorpost::kiosk::app
