#pragma once
// One round of synchronisation with the central, run by the sync worker's thread (or directly by
// `doorpost sync --once`): enrol (learn the device name and the set-signing key), push the event
// log from the acknowledged prefix until caught up, then pull every set with its cursor.
// A round never throws and never blocks the gate: it uses its own database connection.

#include "storage/clock_evidence.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "sync/client/http_client.hpp"
#include "sync/client/sync_state.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync::client {

struct SyncConfig {
    std::string centralUrl;
    std::string token;
    std::string caFile; // verifies an HTTPS central
    // Plain http:// to anything but loopback sends the device token in clear: refused unless
    // the site says so (a trusted network, or a TLS proxy beside the kiosk).
    bool allowPlainHttp = false;
    std::string userAgent = "doorpost"; // "doorpost/VERSION", recorded by the central
    std::string pinnedSetKey; // hex; empty: trust the key the central gives at first enrolment
    std::vector<std::string> sets{"roster", "denylist", "keys", "config", "site"};
    std::size_t maxBatchEvents = kMaxEventsPerPush;
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds requestTimeout{15000};
    // Worker pacing (SyncWorker): between rounds when caught up, and the backoff on failures.
    std::chrono::milliseconds interval{5000};
    std::chrono::milliseconds backoffBase{500};
    std::chrono::milliseconds backoffCap{60000};
    long maxRetryAfterS = 300; // a Retry-After longer than this is capped
};

// Why a round ended short; a round can also end well (Done).
enum class RoundEnd {
    Done,        // pushed everything, pulled every set
    Unreachable, // no answer: refused, reset, timed out, truncated
    ServerError, // answered 5xx (or 429): back off, honour Retry-After
    Refused,     // answered 401/403/409: needs an operator; retrying will not help soon
    LocalFault,  // the kiosk's own database failed
};

std::string_view toString(RoundEnd end);

struct RoundReport {
    RoundEnd end = RoundEnd::Done;
    std::string error;       // one line when end != Done (or a set was refused, or the central
                             // derives subject keys with another version)
    long retryAfterS = -1;   // from the server, when it sent one
    bool busy = false;       // answered 429: the central is up but full (Backoff::busy)
    std::int64_t pushed = 0; // records acknowledged during this round
    std::int64_t ackedThrough = 0; // the central's acknowledged prefix
    std::int64_t lastSeq = 0;      // the log's last seq
    std::int64_t quarantined = 0;
    std::int64_t findings = 0;
    std::int64_t clockOffsetMs = 0;
    std::map<std::string, SetCursor> sets;
    std::vector<std::string> refusedSets; // bad signature or malformed page: old set kept
    std::int64_t waiting() const { return lastSeq > ackedThrough ? lastSeq - ackedThrough : 0; }
};

class SyncSession {
public:
    // `db` must outlive the session and be used only by the calling thread meanwhile.
    static Result<std::unique_ptr<SyncSession>> open(storage::Database& db, SyncConfig config);

    RoundReport runRound();

private:
    SyncSession(storage::Database& db, storage::EventLog log, SyncConfig config);
    RoundReport runRoundUnrecorded();
    bool enrol(RoundReport& report);
    bool pushAll(RoundReport& report);
    bool pullSet(const std::string& set, RoundReport& report);
    // Classifies a non-answer or an unwelcome answer into `report`; returns false.
    bool failed(const HttpOutcome& outcome, RoundReport& report, const std::string& what);
    void noteClock(const HttpAnswer& answer, std::int64_t sentMs, std::int64_t receivedMs);

    storage::Database& m_db;
    storage::EventLog m_log;
    SyncConfig m_config;
    SyncState m_state;
    HttpClient m_http;
    std::string m_deviceId;
    std::string m_setKey;
    std::int64_t m_clockOffsetMs = 0;
    // The central's Date at the last answer of this round, with the boot and CLOCK_BOOTTIME of
    // that moment: recorded when the round ends, the anchor the gate's clock reads
    // (docs/clock.md).
    std::optional<storage::ClockAnchor> m_anchor;
    std::size_t m_batchLimit;
};

// Whether `url` may carry the device token: https://, or http:// to loopback, or with
// `allowPlainHttp`. Bad input naming --central otherwise.
Result<void> checkCentralUrl(const std::string& url, bool allowPlainHttp);

} // namespace doorpost::sync::client
