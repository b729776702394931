#include "sync/client/sync_worker.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/base/journal_log.hpp"

#include <random>

namespace doorpost::sync::client {

SyncWorker::SyncWorker(std::string dbPath, SyncConfig config)
    : m_dbPath(std::move(dbPath)), m_config(std::move(config)) {}

SyncWorker::~SyncWorker() {
    stop();
}

void SyncWorker::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
}

void SyncWorker::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
}

void SyncWorker::nudge() {
    {
        std::lock_guard lock(m_mutex);
        m_nudged = true;
    }
    m_wake.notify_all();
}

SyncStatus SyncWorker::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

void SyncWorker::run() {
    Backoff backoff(m_config.backoffBase, m_config.backoffCap, std::random_device{}());
    std::optional<storage::Database> db;
    std::unique_ptr<SyncSession> session;
    int failedRounds = 0; // in a row; only this thread counts them
    bool reached = false;
    for (;;) {
        RoundReport report;
        if (!session) {
            // The worker's own connection: the gate's writes never wait on the network.
            auto opened = storage::Database::open(m_dbPath);
            if (opened) {
                db.emplace(std::move(*opened));
                auto made = SyncSession::open(*db, m_config);
                if (made)
                    session = std::move(*made);
                else
                    report = {RoundEnd::LocalFault, made.error().message};
            } else {
                report = {RoundEnd::LocalFault, opened.error().message};
            }
        }
        if (session)
            report = session->runRound();

        std::chrono::milliseconds wait = m_config.interval;
        if (report.end == RoundEnd::Done && report.refusedSets.empty()) {
            backoff.reset();
        } else if (report.end != RoundEnd::Done) {
            wait =
                report.busy ? backoff.busy(report.retryAfterS) : backoff.next(report.retryAfterS);
        }
        // The journal gets a line when sync starts failing and when it comes back, not one per
        // round: the worker retries forever. Written outside the lock the UI reads under.
        if (report.end != RoundEnd::Done && failedRounds == 0) {
            logLine(LogPriority::Warning, "doorpost",
                    "sync with " + m_config.centralUrl + " failed (" +
                        std::string(toString(report.end)) + "): " + report.error +
                        "; retrying with backoff");
        } else if (report.end == RoundEnd::Done && (failedRounds > 0 || !reached)) {
            logLine(LogPriority::Info, "doorpost",
                    "sync with " + m_config.centralUrl + " working" +
                        (failedRounds > 0
                             ? " again after " + std::to_string(failedRounds) + " failed rounds"
                             : std::string()));
            reached = true;
        }
        failedRounds = report.end == RoundEnd::Done ? 0 : failedRounds + 1;
        {
            std::unique_lock lock(m_mutex);
            m_status.online = report.end == RoundEnd::Done || report.end == RoundEnd::Refused ||
                              report.end == RoundEnd::ServerError;
            m_status.rounds += 1;
            m_status.lastEnd = std::string(toString(report.end));
            m_status.lastError = report.error;
            if (session) {
                m_status.eventsWaiting = report.waiting();
                m_status.quarantined = report.quarantined;
                m_status.findings = report.findings;
                m_status.clockOffsetMs = report.clockOffsetMs;
            }
            if (report.end == RoundEnd::Done) {
                m_status.lastSyncMs = wallClockMs();
                m_status.failuresInARow = 0;
            } else {
                m_status.failuresInARow += 1;
            }
            m_wake.wait_for(lock, wait, [this] { return m_stopping || m_nudged; });
            if (m_stopping)
                return;
            m_nudged = false;
        }
    }
}

} // namespace doorpost::sync::client
