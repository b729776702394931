#pragma once
// The gate: one controller for everything that comes to the door. It takes a code read or a
// manual registration, verifies it against the trust snapshot, decides under the site profile
// (roster, re-entry via the log's last admission of the subject, trust freshness), appends the
// event to the log durably, and only then returns the verdict. A verdict whose event could not
// be committed is not returned: the caller gets the storage fault instead, so a door never
// shows green for something it did not record.
//
// Threads: a Gate owns its Database connection's users (EventLog, stores) and is used by one
// thread at a time. The kiosk runs it on the gate thread through GateWorker (gate_worker.hpp);
// the CLI calls it directly.

#include "kiosk/credentials/credential.hpp"
#include "kiosk/gate/clock_watch.hpp"
#include "kiosk/gate/trust_loader.hpp"
#include "kiosk/policy/decision.hpp"
#include "kiosk/policy/site_profile.hpp"
#include "storage/base/id_number.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/peer_log.hpp"
#include "storage/roster_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::kiosk::gate {

class SubjectKeyPrecompute;

struct GateConfig {
    policy::SiteProfile profile = policy::examProfile();
    // Named in "already admitted 08:12 at door-a", here and at the site's other doors; empty:
    // the device id (the one the central gave at enrolment, which its peers know it by).
    std::string door;
};

struct ScanInput {
    std::string text;                  // the code's content as read
    std::optional<bool> pictureDecode; // set when the read came from an image
    std::optional<std::int64_t> at;    // decision clock override (seconds); else now
};

struct ManualInput {
    IdType idType = IdType::Resident;
    std::string id;
    std::string name;
    std::string reason;     // must be one of the profile's manual_reasons
    std::string operatorId; // staff on duty
    std::optional<std::int64_t> at;
};

struct GateResult {
    Verdict verdict = Verdict::Refer;
    std::vector<credentials::Reason> reasons;
    std::string detail; // the verifier's technical message, or empty
    std::optional<policy::PriorAdmission> alreadyAdmitted;
    credentials::CredentialResult credential;
    std::int64_t seq = 0; // the committed event
    // The roster row the decision used (its room and seat are in the event's detail): what the
    // door shows beside the verdict, without reading the event back.
    std::optional<storage::RosterEntry> rosterEntry;
    policy::ClockReading clock; // the clock as the decision saw it (recorded in the event)
};

// Staff confirming the kiosk's clock or setting the true time (docs/clock.md).
struct ClockSetResult {
    std::int64_t seq = 0; // the operator event recording it
    policy::ClockReading before;
    policy::ClockReading after;
};

class Gate {
public:
    // Opens the event log and loads the trust snapshot from `db`, which must outlive the Gate.
    static Result<Gate> open(storage::Database& db, GateConfig config);

    Result<GateResult> scan(const ScanInput& input);
    // Invalid ID numbers and reasons the profile does not allow are BadInput, recorded nowhere.
    Result<GateResult> registerManual(const ManualInput& input);

    // Re-reads trust data after a sync or a `trust` command. scan() and registerManual() also
    // reload by themselves when anyone changed the keys, the deny list or the roster (every
    // such change moves a counter in meta: storage/trust_generation.hpp).
    Result<void> reloadTrust();
    const TrustSnapshot& trust() const { return m_trust; }
    // Manual registrations take their subject key from `precompute` when it derived the key of
    // that ID ahead of confirm (subject_key_precompute.hpp); the gate keeps its secret current.
    // It must outlive the Gate; null: every registration derives its own.
    void usePrecompute(SubjectKeyPrecompute* precompute);
    const GateConfig& config() const { return m_config; }
    // The clock state now (docs/clock.md), as the next decision would see it.
    Result<policy::ClockReading> clock() { return m_clock.read(); }
    // Staff vouch for the time: `toMs` is the true time now, or nullopt for "the kiosk's clock
    // is right". Recorded as an operator event (clock_set / clock_confirmed), then kept as a
    // staff anchor for the rest of this boot. The system clock is left alone: the time service
    // (timesyncd, chrony) owns it.
    Result<ClockSetResult> setClock(std::optional<std::int64_t> toMs,
                                    const std::string& operatorId);

private:
    Gate(storage::Database& db, storage::EventLog log, storage::PeerLog peers, ClockWatch clock,
         GateConfig config)
        : m_db(&db), m_log(std::move(log)), m_peers(std::move(peers)), m_roster(db),
          m_clock(std::move(clock)), m_config(std::move(config)) {}
    // The newest admission of `subjectKey` in this door's log and its peers' (docs/mesh.md).
    Result<std::optional<policy::PriorAdmission>> lastAdmission(const std::string& subjectKey);
    // The decision time: the explicit clock when given, else the clock's best estimate.
    struct DecisionClock {
        std::int64_t now = 0;
        bool explicitClock = false;
        policy::ClockReading reading;
    };
    Result<DecisionClock> decisionClock(const std::optional<std::int64_t>& at);
    Result<void> followTrust(); // reloads when the trust generation moved
    // config().door, or the device id as of now (enrolment changes it under a running gate).
    Result<std::string> doorName();
    Result<GateResult> decideAndRecord(credentials::CredentialResult credential,
                                       const DecisionClock& clock, const ManualInput* manual);

    storage::Database* m_db;
    storage::EventLog m_log;
    storage::PeerLog m_peers; // what peer doors admitted: read only, the mesh writes it
    storage::RosterStore m_roster;
    ClockWatch m_clock;
    GateConfig m_config;
    TrustSnapshot m_trust;
    std::optional<std::string> m_trustGeneration; // what m_trust was loaded at
    SubjectKeyPrecompute* m_precompute = nullptr;
};

std::int64_t wallClockSeconds();

} // namespace doorpost::kiosk::gate
