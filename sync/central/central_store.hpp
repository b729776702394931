#pragma once
// The central's persistent state behind one interface: enrolled devices, every device's hash
// chain of events (inserted idempotently, keyed on device, epoch and seq), reconciliation
// findings and alerts, and the published sets with their cursors. One implementation runs over
// either SQLite or PostgreSQL through SqlSession.
//
// Threads meet here: the HTTP server calls the store from its worker threads. A mutex serialises
// use of the one connection; between central processes sharing PostgreSQL, row locks and
// idempotent inserts keep the data exactly-once.

#include "storage/audit/access_log.hpp"
#include "storage/base/result.hpp"
#include "sync/central/sql_session.hpp"
#include "sync/chain_head_answer.hpp"
#include "sync/pass/subject_key.hpp" // RegisteredDeviceKey: the key history as both ends hold it
#include "sync/protocol.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync::central {

// What a push came to: accepted (with the new acked prefix), or refused with an HTTP status.
struct PushOutcome {
    int status = 200; // 200, 400 (malformed), 409 (a known record with another hash)
    PushResponse response;
    ErrorBody error;
    std::int64_t inserted = 0; // records new to the central in this batch
};

struct SetRead {
    bool gone = false; // the cursor is too old (or unknown): the kiosk must take a snapshot
    bool notModified = false;
    SetPage page; // unsigned; the server signs it
};

struct ChainStats {
    std::string device;
    std::string epoch;
    std::int64_t events = 0;
    std::int64_t quarantined = 0;
    std::int64_t ackedThrough = 0;
    std::string headHash;
};

struct DeviceFinding {
    std::string device;
    std::string epoch;
    Finding finding;
};

struct CentralStats {
    std::int64_t devices = 0;
    std::int64_t events = 0;
    std::vector<ChainStats> chains;
    std::vector<DeviceFinding> findings;
    std::int64_t alerts = 0; // 409s: a device sent another hash for a record already held
    // Duplicates the doors caught themselves through a peer (docs/mesh.md): conflicts that
    // did not happen, so not among the findings.
    std::int64_t caughtAtDoors = 0;
};

// What the central has witnessed of one device's chains (central_chain_head.cpp): every epoch's
// head and, when asked for (epoch, seq), the hash it holds there.
struct ChainHeads {
    bool deviceKnown = false;
    std::string deviceKey;                       // the latest key
    std::vector<RegisteredDeviceKey> deviceKeys; // every key, oldest first
    std::vector<ChainStats> chains;              // device, epoch, ackedThrough, headHash
    std::optional<std::string> hash;
    bool quarantined = false;
};

// The central's auditor export (central_export.hpp) reads through these, all inside one read
// transaction (exportSnapshot), and records each unmasking in the access log.
struct ExportChainSpan {
    std::string device;
    std::string epoch;
    std::int64_t firstSeq = 0; // the first and last seq recorded in the period, within the
    std::int64_t lastSeq = 0;  // acknowledged (verified, contiguous) prefix
    std::string deviceKey;     // the device's latest registered audit key, or empty
};
struct ExportSink {
    virtual ~ExportSink() = default;
    virtual Result<void> spans(const std::vector<ExportChainSpan>& spans) = 0;
    // Records of one span in seq order; a quarantine stub has quarantined set and no event.
    virtual Result<void> record(const ExportChainSpan& span, const WireEvent& record) = 0;
};

// Who presented a token (central_doors.cpp): unknown, a principal, or a revoked one and why.
struct TokenCheck {
    bool known = false;
    std::string principal;
    bool revoked = false;
    std::int64_t revokedMs = 0;
    std::string reason;
};

// What a door told the central with a request (headers User-Agent, Doorpost-Time,
// Doorpost-Log-Last-Seq) and, for a push, the head it sent.
struct DoorContact {
    std::int64_t atMs = 0;
    std::string softwareVersion;
    std::optional<std::int64_t> clockOffsetMs; // door clock minus central clock
    std::string peer;
    bool pushed = false;
    std::string epoch;
    std::int64_t headSeq = 0;
    std::string headHash;
    std::int64_t doorLastSeq = 0; // the door's own last seq, as it reported it
};

// One enrolled principal as operators see it (stats, devices list, metrics, status page).
struct DoorView {
    std::string name;
    std::string role; // door, auditor, operator
    std::int64_t enrolledAtS = 0;
    bool revoked = false;
    std::int64_t revokedMs = 0;
    std::string revokeReason;
    std::int64_t lastContactMs = 0; // 0: never heard from
    std::string softwareVersion;
    std::optional<std::int64_t> clockOffsetMs;
    std::string peer;
    std::string epoch; // of its last push
    std::int64_t reportedHeadSeq = 0;
    std::string reportedHeadHash;
    std::int64_t doorLastSeq = 0;
    std::int64_t lastPushMs = 0;
    std::int64_t ackedThrough = 0; // of the current epoch's chain
    std::string headHash;          // the central's head of that chain
    std::int64_t ackedLag = 0;     // what the door reported beyond ackedThrough
    std::int64_t events = 0;       // held, every epoch
    std::int64_t quarantined = 0;
    std::int64_t findings = 0;
    std::int64_t alerts = 0;
};

struct SetVersion {
    std::string name;
    std::int64_t version = 0;
    std::string validUntil;
    std::int64_t items = 0;
};

// "door", "auditor" (name auditor-*) or "operator" (name operator-*: the status page, metrics).
std::string principalRole(const std::string& name);

struct StoreOptions {
    std::int64_t reentryWindowMs = 10 * 60 * 1000; // "same subject at two doors" window
    std::size_t setPageLimit = 5000;               // items per set page
};

// The facts the central reconciles on, read from an event's canonical content.
struct EventFacts {
    std::string subjectKey;
    std::string verdict;
    std::string credentialId;
    std::int64_t wallTimeMs = 0;
    // A REFER peer_already_admitted: the peer record the door caught the duplicate by.
    std::string caughtByDevice;
    std::int64_t caughtBySeq = 0;
};
EventFacts eventFacts(const nlohmann::json& event);

class CentralStore {
public:
    // `location`: a PostgreSQL URL (postgresql://... or postgres://...) or a SQLite file path.
    static Result<std::unique_ptr<CentralStore>> open(const std::string& location,
                                                      StoreOptions options = {});

    // Registers a device and returns its new bearer token (only its hash is stored).
    Result<std::string> enrollDevice(const std::string& name, bool replace);
    // The device a bearer token belongs to, or nothing for an unknown or revoked token.
    Result<std::optional<std::string>> deviceForToken(const std::string& token);
    // The same, telling a revoked token (and why) from an unknown one (central_doors.cpp).
    Result<TokenCheck> checkToken(const std::string& token);
    // Stops the device's current token at once; returns when it was revoked (first time).
    Result<std::int64_t> revokeDevice(const std::string& name, const std::string& reason);
    Result<void> recordContact(const std::string& device, const DoorContact& contact);
    Result<std::vector<DoorView>> doors();
    Result<std::vector<SetVersion>> setVersions();
    // Answers when the store answers (/v1/ready).
    Result<void> ping();
    static std::string tokenHash(const std::string& token);
    // Registers the audit key a device enrolled with: it becomes the latest (devices.device_key)
    // and joins the device's key history, unless already there. An empty key registers nothing.
    // Conflict once a device holds kMaxDeviceKeys keys (a device flooding the history).
    Result<void> setDeviceKey(const std::string& device, const std::string& deviceKey);
    // The door's site and the address it serves its peers at (docs/mesh.md), published in the
    // signed "site" set once the door has enrolled its key (central_sites.cpp). An empty site
    // takes the door out of every site.
    Result<void> setDeviceSite(const std::string& device, const std::string& site,
                               const std::string& address);
    // BadInput naming the option unless `site` is a site name (or empty) and `address` HOST:PORT
    // (or empty), checked before anything is stored.
    static Result<void> checkSite(const std::string& site, const std::string& address);
    // Brings the door's item of the site set up to date: its site, address and latest key, or
    // withdrawn when it has no site, no key yet, or a revoked token. Called after each change
    // to any of them (enrolment, `enroll --site`, `devices revoke`).
    Result<void> publishSiteDoor(const std::string& device);
    // Every key the device enrolled with, oldest first.
    Result<std::vector<RegisteredDeviceKey>> deviceKeys(const std::string& device);
    static constexpr std::int64_t kMaxDeviceKeys = 1000;

    Result<PushOutcome> push(const std::string& device, const PushRequest& request);

    // A delta from `cursor` (> 0), or a snapshot page (cursor 0) after `after` of the snapshot
    // that began at version `base` (0 on its first page).
    Result<SetRead> readSet(const std::string& set, std::int64_t cursor, std::size_t limit = 0,
                            std::int64_t after = 0, std::int64_t base = 0);
    // Publishes items; with `replace`, every key not in `items` becomes a tombstone.
    Result<std::int64_t> upsertSet(const std::string& set, const std::vector<SetItem>& items,
                                   const std::string& validUntil, bool replace);
    Result<std::int64_t> removeFromSet(const std::string& set,
                                       const std::vector<std::string>& keys);
    // Forgets tombstones: cursors older than now get 410 and take a full snapshot.
    Result<void> compactSet(const std::string& set);

    Result<CentralStats> stats();
    Result<ChainHeads> chainHeads(const std::string& device, const std::string& epoch,
                                  std::int64_t seq);

    // The Ed25519 secret key (64 bytes) that signs set pages, created on first use and kept in
    // the store so every central process over one database signs with the same key.
    Result<std::string> setSigningSecretKey();

    // Reads the chains' records of [fromMs, toMs) (wall time; `device` empty for every door)
    // inside one read transaction, so the export sees one committed state while kiosks push.
    Result<void> exportSnapshot(std::int64_t fromMs, std::int64_t toMs, const std::string& device,
                                ExportSink& sink);
    // The unmasking access log (storage/audit/access_log.hpp): append-only, hash-chained.
    // append fills in seq, prev_hash and hash; entries come back oldest first.
    Result<storage::audit::AccessEntry> appendAccessEntry(storage::audit::AccessEntry entry);
    Result<std::vector<storage::audit::AccessEntry>> accessEntries();

    // The deployment's subject secret (sync/pass/subject_key.hpp), created on first use and
    // kept in the store; handed to a device only in its enrolment answer.
    Result<pass::SubjectSecret> subjectSecret();

    static bool isKnownSet(const std::string& set);

private:
    CentralStore(std::unique_ptr<SqlSession> session, StoreOptions options);
    Result<void> createSchema();
    Result<PushOutcome> pushLocked(const std::string& device, const PushRequest& request);
    Result<void> recordAlert(const std::string& device, const std::string& epoch, std::int64_t seq,
                             const std::string& theirs, const std::string& ours);
    // `facts[i]` are eventFacts() of `inserted[i]` (empty for a quarantine stub), read once.
    Result<void> reconcile(const std::string& device, const std::string& epoch,
                           const std::vector<const WireEvent*>& inserted,
                           const std::vector<EventFacts>& facts);
    Result<std::int64_t> bumpSetVersion(const std::string& set, std::int64_t by,
                                        const std::string* validUntil);
    std::string forUpdate() const;
    Result<std::vector<RegisteredDeviceKey>> deviceKeysLocked(const std::string& device);
    Result<void> ensureAccessLogLocked();
    bool m_accessLogReady = false;

    std::mutex m_mutex; // guards m_session: one connection, many HTTP worker threads
    std::unique_ptr<SqlSession> m_session;
    StoreOptions m_options;
};

} // namespace doorpost::sync::central
