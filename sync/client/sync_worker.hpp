#pragma once
// The sync worker: its own thread runs sync rounds against the central, forever, with
// full-jitter exponential backoff after failures and Retry-After honoured. The gate never waits
// on it: the worker reads the event log through its own database connection, and the UI reads
// its state through status(), a copy taken under a lock.

#include "sync/backoff.hpp"
#include "sync/client/sync_session.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace doorpost::sync::client {

// What the UI shows: online/offline, how many events wait, when the last sync was.
struct SyncStatus {
    bool online = false; // the last round reached the central and it answered
    std::int64_t eventsWaiting = 0;
    std::int64_t lastSyncMs = 0;    // wall time of the last round that ended Done (0: never)
    std::int64_t clockOffsetMs = 0; // central clock minus kiosk clock
    std::int64_t quarantined = 0;
    std::int64_t findings = 0;
    std::int64_t rounds = 0;
    int failuresInARow = 0;
    std::string lastEnd;   // toString(RoundEnd) of the last round
    std::string lastError; // empty after a clean round
};

class SyncWorker {
public:
    SyncWorker(std::string dbPath, SyncConfig config);
    ~SyncWorker(); // stops and joins
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    void start();
    void stop();
    // Asks for a round now (staff's "Sync now", kiosk/app/kiosk_staff.cpp); never blocks.
    void nudge();
    SyncStatus status() const;

private:
    void run();

    std::string m_dbPath;
    SyncConfig m_config;
    // Threads meet here: the worker thread writes m_status; the log query's thread copies it via
    // status() for the central chip, staff actions for their answer; any thread may nudge() or
    // stop(). All under m_mutex, held only briefly.
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_nudged = false;
    SyncStatus m_status;
    std::thread m_thread;
};

} // namespace doorpost::sync::client
