#pragma once
// The append-only, hash-chained event log (DESIGN.md "Local data", docs/event-log.md).
//
// append() returns an event's seq only after its COMMIT returned: with synchronous=FULL the WAL
// is synced, so a seq the gate shows as recorded survives a crash or a power cut. seq, prev_hash
// and hash are computed inside the same BEGIN IMMEDIATE transaction that inserts the row, so two
// writers (two connections) can never chain onto the same predecessor.
//
// Threads: an EventLog borrows one Database (one connection) and is used by one thread at a time
// (the gate's). Other threads (sync, export, status) open their own Database and EventLog on the
// same file; WAL readers see committed events only.

#include "storage/base/result.hpp"
#include "storage/database.hpp"
#include "storage/event.hpp"
#include "storage/statement.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace doorpost::storage {

// Read from AUTOINCREMENT's counters row (sqlite_sequence), updated in each append's
// transaction, and the row at last_seq: no table scan. The log is gapless, so events = last_seq.
struct LogStatus {
    std::int64_t events = 0;
    std::int64_t lastSeq = 0;
    std::string epoch;
    std::string deviceId;
    std::string headHash; // hash of the last event; kZeroHashHex when empty
};

struct ChainReport {
    bool ok = true;
    std::int64_t checked = 0;      // events whose hash was recomputed
    std::int64_t firstBadSeq = 0;  // 0 when ok; otherwise the first seq that does not fit
    std::string problem;           // why it does not fit (empty when ok)
    std::int64_t verifiedFrom = 1; // first seq recomputed (incremental checks start later)
};

class EventLog {
public:
    // Reads the epoch and device id, the boot id, and prepares the statements. `db` must
    // outlive the EventLog.
    static Result<EventLog> open(Database& db);

    // Stores one event and returns its seq once committed. Bad drafts fail with BadInput;
    // disk full, I/O errors and the like fail with "storage fault: ..." and record nothing.
    Result<std::int64_t> append(const EventDraft& draft);
    // Stores several events in one transaction (all or none) and returns the last seq once
    // committed. For bulk work (imports, benchmarks); the gate appends one event at a time.
    Result<std::int64_t> appendMany(const std::vector<EventDraft>& drafts);

    // Events with from <= seq <= to, in seq order.
    Result<std::vector<Event>> readSeqRange(std::int64_t from, std::int64_t to);
    // The same, one event at a time (for export and sync of long ranges); `visit` returns false
    // to stop early.
    Result<void> forEachInSeqRange(std::int64_t from, std::int64_t to,
                                   const std::function<bool(const Event&)>& visit);
    // Time-range reads (storage/event_log_wall_time.cpp). Wall time is not indexed: each block
    // of kBlock events has a min/max summary, written by the append that completes it, and a
    // read scans only the blocks that may hold the range (and the unsummarised tail).
    // Events with fromMs <= wall_time_ms < toMs, in seq order; `visit` returns false to stop.
    Result<void> forEachInWallTimeRange(std::int64_t fromMs, std::int64_t toMs,
                                        const std::function<bool(const Event&)>& visit);
    // The same events in (wall time, seq) order, at most `limit`. It gathers the whole range
    // before sorting, so it is for short ranges; long ones use forEachInWallTimeRange.
    Result<std::vector<Event>> readWallTimeRange(std::int64_t fromMs, std::int64_t toMs,
                                                 std::size_t limit = 10000);
    // The first and last seq of the events with fromMs <= wall_time_ms < toMs (the audit
    // export's period); nullopt when there are none.
    struct SeqSpan {
        std::int64_t first = 0;
        std::int64_t last = 0;
    };
    Result<std::optional<SeqSpan>> seqSpanInWallTimeRange(std::int64_t fromMs, std::int64_t toMs);
    // Seqs per block. The append that completes a block summarises its wall times and files its
    // admissions (as in the SQL of migrations 6 and 8), so that no append writes an index page.
    static constexpr std::int64_t kBlock = 1024;

    // The most recent event with verdict admit for this subject key (re-entry rule): from the
    // admissions filed per block, or the block still filling (storage/event_log_admissions.cpp).
    Result<std::optional<Event>> lastAdmission(std::string_view subjectKey);

    Result<LogStatus> status();

    // Recomputes every hash and link from `from` to `to` (to < 0: the head) and, when the
    // range reaches the head, checks that no event lies beyond the recorded head. Names the first
    // bad seq.
    Result<ChainReport> verifyChain(std::int64_t from = 1, std::int64_t to = -1);
    // Verifies only the events appended since the last successful verification (a checkpoint
    // seq and hash kept in meta), after checking that the checkpoint row still carries the
    // hash it had; then moves the checkpoint. This is what `status` runs so that it stays fast
    // on a million events; verifyChain() is the full check (before export, `status --full`).
    Result<ChainReport> verifyNewEvents();

    // Set at enrolment; later events carry the new id (each event's hash covers its own).
    Result<void> setDeviceId(std::string_view deviceId);
    const std::string& epoch() const { return m_epoch; }

private:
    // The last event's seq and hash, and the device id the next event carries.
    struct Head {
        std::int64_t seq = 0;
        std::string hash;
        std::string deviceId;
    };

    EventLog() = default;
    // Inserts one event inside the caller's open write transaction.
    Result<std::int64_t> insertInTransaction(const EventDraft& draft);
    // The head, inside the caller's write transaction: from m_head when nothing changed the
    // database since it was taken, otherwise read (and checked) from the database.
    Result<Head> headInTransaction();
    // SQLITE_FCNTL_DATA_VERSION of the main database: it changes whenever anything changes
    // the file, through this connection or any other (process).
    unsigned dataVersion() const;
    // 16 random bytes as hex, from a block fetched from the OS once per 256 events.
    std::string randomEventId();
    // Seq ranges that may hold events with fromMs <= wall_time_ms < toMs, ascending.
    Result<std::vector<std::pair<std::int64_t, std::int64_t>>>
    wallTimeCandidates(std::int64_t fromMs, std::int64_t toMs);
    // Inside the append's transaction: when `seq` completes a block, writes its wall-time
    // summary and files its admissions.
    Result<void> closeBlockIfComplete(std::int64_t seq);
    // The event the prepared lookup `stmt` (bound to the subject key) finds, if any.
    Result<std::optional<Event>> firstEventOf(Statement& stmt, std::string_view subjectKey);
    Result<ChainReport> verifyRange(std::int64_t from, std::int64_t to, std::string prevHash,
                                    bool toHead);

    Database* m_db = nullptr;
    std::string m_epoch;
    std::string m_bootId;
    // The head as of this connection's last append, so that an append does not query it (a
    // measurable share of its time). It is used only while the data version is the one read
    // after that append, inside a transaction that holds the write lock: then no other
    // connection, process or statement has changed the file since, so the head is still the
    // last row. Any other commit (another writer, setDeviceId, a repair) changes the version
    // and the head is read again; a failed append drops it.
    std::optional<Head> m_cachedHead;
    unsigned m_cachedVersion = 0;
    std::array<std::uint8_t, 4096> m_entropy{};
    std::size_t m_entropyUsed = m_entropy.size();
    Statement m_head;
    Statement m_insert;
    Statement m_recentAdmission; // in the block still filling
    Statement m_filedAdmission;  // in the admissions filed per block
    Statement m_summarizeBlock;
    Statement m_fileAdmissions;
};

} // namespace doorpost::storage
