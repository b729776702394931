#pragma once
// The kiosk's sync state as `doorpost status --json` reports it, read from the kiosk database
// by any process: each sync round (the kiosk's worker or `doorpost sync`) records how it ended in
// the meta table (keys sync_last_*), beside the acknowledged prefix in sync_push.

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <string>

namespace doorpost::sync::client {

struct RoundReport;

struct SyncSummary {
    bool everTried = false;         // a round ran at least once
    bool online = false;            // the last round reached the central and it answered
    std::string lastEnd;            // toString(RoundEnd) of the last round
    std::string lastError;          // empty after a clean round
    std::int64_t lastAttemptMs = 0; // when the last round ended
    std::int64_t lastSuccessMs = 0; // when the last round that ended Done ended (0: never)
    std::int64_t ackedThrough = 0;  // of the log's current epoch
    std::int64_t eventsWaiting = 0; // the log's last seq beyond ackedThrough
    std::int64_t clockOffsetMs = 0; // central clock minus kiosk clock, at the last ack
};

// Records a finished round (one small transaction of the meta table).
Result<void> recordRound(storage::Database& db, const RoundReport& report, std::int64_t nowMs);
// What the rounds so far left; `epoch` and `lastSeq` are the log's current ones.
Result<SyncSummary> readSyncSummary(storage::Database& db, const std::string& epoch,
                                    std::int64_t lastSeq);

} // namespace doorpost::sync::client
