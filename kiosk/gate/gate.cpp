#include "kiosk/gate/gate.hpp"

#include "kiosk/credentials/verify_code.hpp"
#include "kiosk/gate/checks_json.hpp"
#include "kiosk/gate/subject_key_precompute.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/base/local_time.hpp"
#include "storage/clock_evidence.hpp"
#include "storage/trust_generation.hpp"
#include "sync/pass/sealed_identity.hpp"
#include "sync/pass/subject_key.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

namespace doorpost::kiosk::gate {

std::int64_t wallClockSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<Gate> Gate::open(storage::Database& db, GateConfig config) {
    auto log = storage::EventLog::open(db);
    if (!log)
        return log.error();
    auto peers = storage::PeerLog::open(db);
    if (!peers)
        return peers.error();
    auto clock = ClockWatch::open(db);
    if (!clock)
        return clock.error();
    Gate gate(db, std::move(*log), std::move(*peers), std::move(*clock), std::move(config));
    if (auto loaded = gate.reloadTrust(); !loaded)
        return loaded.error();
    return gate;
}

Result<void> Gate::reloadTrust() {
    // The generation is read first: a sync committing in between makes the next call reload.
    auto generation = m_db->meta(storage::kTrustGenerationKey);
    if (!generation)
        return generation.error();
    auto snapshot = loadTrust(*m_db);
    if (!snapshot)
        return snapshot.error();
    m_trust = std::move(*snapshot);
    m_trustGeneration = std::move(*generation);
    if (m_precompute)
        m_precompute->setSecret(m_trust.subjectSecret);
    return {};
}

void Gate::usePrecompute(SubjectKeyPrecompute* precompute) {
    m_precompute = precompute;
    if (m_precompute)
        m_precompute->setSecret(m_trust.subjectSecret);
}

namespace {

// A decision cannot be made without the trust data: the door shows a configuration fault (who
// to call) rather than a disk fault.
Error fromTrustData(Error error) {
    error.origin = ErrorOrigin::TrustData;
    return error;
}

} // namespace

Result<void> Gate::followTrust() {
    // Threads: the sync worker writes trust data through its own connection; this one indexed
    // read per decision is how the gate thread learns of it. Each page is one commit, so what
    // the gate loads is a whole page's result (reloadTrust reads the generation first).
    auto generation = m_db->meta(storage::kTrustGenerationKey);
    if (!generation)
        return generation.error();
    if (*generation == m_trustGeneration)
        return {};
    if (auto reloaded = reloadTrust(); !reloaded)
        return fromTrustData(reloaded.error());
    return {};
}

Result<Gate::DecisionClock> Gate::decisionClock(const std::optional<std::int64_t>& at) {
    auto reading = m_clock.read();
    if (!reading)
        return reading.error();
    DecisionClock clock;
    clock.reading = *reading;
    clock.explicitClock = at.has_value();
    // A suspect clock decides at the estimate (docs/clock.md): exact within a boot anchored
    // by a sync or staff, otherwise a floor, which decide() knows to be only that.
    clock.now = at.value_or(reading->estimateMs / 1000);
    return clock;
}

Result<ClockSetResult> Gate::setClock(std::optional<std::int64_t> toMs,
                                      const std::string& operatorId) {
    if (operatorId.empty())
        return badInput("operator: who sets the clock must be named");
    if (toMs && *toMs < buildDateMs())
        return badInput("time: " + formatIsoTime(*toMs / 1000) +
                        " is before this build's date, so it cannot be now");
    auto before = m_clock.read();
    if (!before)
        return before.error();
    storage::ClockAnchor anchor;
    anchor.source = storage::AnchorSource::Staff;
    anchor.bootId = m_clock.bootId();
    anchor.boottimeMs = storage::boottimeMs();
    anchor.wallMs = before->wallMs;
    anchor.referenceMs = toMs.value_or(before->wallMs);

    auto door = doorName();
    if (!door)
        return door.error();
    storage::EventDraft draft;
    draft.kind = storage::EventKind::Operator;
    draft.reasons = {toMs ? "clock_set" : "clock_confirmed"};
    draft.operatorId = operatorId;
    draft.wallTimeMs = before->wallMs;
    nlohmann::json detail = {{"door", *door},
                             {"action", toMs ? "clock_set" : "clock_confirmed"},
                             {"set_to", formatIsoTime(anchor.referenceMs / 1000)},
                             {"wall", formatIsoTime(before->wallMs / 1000)},
                             {"offset_ms", anchor.referenceMs - before->wallMs},
                             {"clock", clockJson(*before, m_clock.lastEventWallMs())}};
    draft.detail = detail.dump();
    // The event first: an anchor nobody can account for must not exist.
    auto seq = m_log.append(draft);
    if (!seq)
        return seq.error();
    m_clock.noteEvent(before->wallMs);
    if (auto recorded = storage::recordClockAnchor(*m_db, anchor); !recorded)
        return recorded.error();
    auto after = m_clock.read();
    if (!after)
        return after.error();
    return ClockSetResult{*seq, *before, *after};
}

Result<GateResult> Gate::scan(const ScanInput& input) {
    if (auto followed = followTrust(); !followed)
        return followed.error();
    auto clock = decisionClock(input.at);
    if (!clock)
        return clock.error();
    const credentials::VerifyContext context{
        m_trust.set, clock->now, m_trust.subjectSecret ? &*m_trust.subjectSecret : nullptr};
    credentials::CredentialResult credential = credentials::verifyCode(input.text, context);
    credential.checks.pictureDecode = input.pictureDecode;
    return decideAndRecord(std::move(credential), *clock, nullptr);
}

Result<GateResult> Gate::registerManual(const ManualInput& input) {
    if (auto followed = followTrust(); !followed)
        return followed.error();
    auto clock = decisionClock(input.at);
    if (!clock)
        return clock.error();
    // The keypad preview applies this same check to the same local date (kiosk/app/id_preview).
    auto checked = checkIdNumber(input.idType, input.id, localDateYmd(clock->now));
    if (!checked)
        return checked.error();
    if (m_config.profile.manualReasons.count(input.reason) == 0) {
        std::string allowed;
        for (const auto& reason : m_config.profile.manualReasons)
            allowed += (allowed.empty() ? "" : ", ") + reason;
        return badInput("reason: '" + input.reason + "' is not allowed at a " +
                        m_config.profile.name + " site (allowed: " + allowed + ")");
    }
    if (input.operatorId.empty())
        return badInput("operator: who registers must be named");
    if (input.name.size() > 128)
        return badInput("name: at most 128 bytes");
    // Without the central's sealing key (not enrolled yet, keys never imported) the door still
    // registers people: decideAndRecord keeps only what is safe at rest (masked ID, subject key)
    // and marks the event id_not_sealed. The full ID and the name are dropped, never stored.
    credentials::CredentialResult credential;
    credential.kind = credentials::CredentialKind::ResidentId;
    credential.maskedId = checked->masked;
    // Without the deployment's secret (not enrolled yet) there is no key to compute: the event
    // keeps the masked ID only. A derivation is tens of ms of a core (memory-hard): the manual
    // screen has it derived while staff pick the reason, and only a registration confirmed
    // before that (or from the CLI) derives it here.
    if (m_trust.subjectSecret) {
        std::optional<sync::pass::SubjectKey> prepared =
            m_precompute ? m_precompute->take(checked->normalised, *m_trust.subjectSecret)
                         : std::nullopt;
        if (prepared) {
            credential.subjectKey = toHex(*prepared);
        } else {
            auto key = sync::pass::subjectKey(checked->normalised, *m_trust.subjectSecret);
            if (!key)
                return key.error();
            credential.subjectKey = toHex(*key);
        }
    }
    ManualInput normalised = input;
    normalised.id = checked->normalised;
    return decideAndRecord(std::move(credential), *clock, &normalised);
}

namespace {

// An admitting event as the re-entry rule sees it: the door named in its detail, and its time
// (while the recording clock was not ok, its estimate rather than the wrong wall time).
policy::PriorAdmission priorAdmission(std::int64_t wallTimeMs, const std::string& deviceId,
                                      const std::string& detailText) {
    const nlohmann::json detail = nlohmann::json::parse(detailText, nullptr, false);
    std::string door = detail.is_object() ? detail.value("door", "") : "";
    if (door.empty())
        door = deviceId;
    std::int64_t at = wallTimeMs / 1000;
    if (detail.is_object() && detail.contains("clock") && detail["clock"].is_object() &&
        detail["clock"].value("state", "ok") != "ok")
        at = wallTimeMs / 1000 + detail["clock"].value("offset_ms", std::int64_t{0}) / 1000;
    return policy::PriorAdmission{at, door};
}

} // namespace

Result<std::string> Gate::doorName() {
    if (!m_config.door.empty())
        return m_config.door;
    auto status = m_log.status();
    if (!status)
        return status.error();
    return status->deviceId;
}

Result<std::optional<policy::PriorAdmission>> Gate::lastAdmission(const std::string& subjectKey) {
    auto own = m_log.lastAdmission(subjectKey);
    if (!own)
        return own.error();
    // Peers' admissions are read whether or not the mesh runs: what was pulled while it ran
    // still counts. The peer's record is the newer one only when strictly later.
    auto peer = m_peers.lastAdmission(subjectKey);
    if (!peer)
        return peer.error();
    std::optional<policy::PriorAdmission> newest;
    if (*own)
        newest = priorAdmission((*own)->wallTimeMs, (*own)->deviceId, (*own)->detail);
    if (*peer) {
        policy::PriorAdmission theirs =
            priorAdmission((*peer)->wallTimeMs, (*peer)->device, (*peer)->detail);
        theirs.peerDevice = (*peer)->device;
        theirs.peerSeq = (*peer)->seq;
        if (!newest || theirs.at > newest->at)
            newest = std::move(theirs);
    }
    return newest;
}

Result<GateResult> Gate::decideAndRecord(credentials::CredentialResult credential,
                                         const DecisionClock& clock, const ManualInput* manual) {
    const std::int64_t now = clock.now;
    // Roster: a ticket is looked up by candidate number, everything else by subject key; a
    // roster hit also names the person's subject for the re-entry rule.
    auto rosterInfo = m_roster.info();
    if (!rosterInfo)
        return rosterInfo.error();
    std::optional<storage::RosterEntry> rosterEntry;
    if (*rosterInfo) {
        auto found = credential.kind == credentials::CredentialKind::Ticket
                         ? m_roster.byCandidate(credential.candidateNumber)
                         : (credential.subjectKey.empty()
                                ? Result<std::optional<storage::RosterEntry>>(std::nullopt)
                                : m_roster.bySubject(credential.subjectKey));
        if (!found)
            return found.error();
        rosterEntry = std::move(*found);
    }
    if (rosterEntry && credential.kind == credentials::CredentialKind::Ticket) {
        credential.subjectKey = rosterEntry->subjectKey;
        credential.maskedId = rosterEntry->maskedId;
    }

    std::optional<policy::PriorAdmission> prior;
    if (!credential.subjectKey.empty() && credential.valid()) {
        auto last = lastAdmission(credential.subjectKey);
        if (!last)
            return last.error();
        prior = std::move(*last);
    }

    std::optional<std::int64_t> validUntil = m_trust.validUntilFor(credential.kind);
    if (m_config.profile.rosterRequired && *rosterInfo) {
        const std::int64_t rosterUntil = (*rosterInfo)->validUntil;
        validUntil = validUntil ? std::min(*validUntil, rosterUntil) : rosterUntil;
    }
    policy::DecisionInput input{credential, m_config.profile};
    input.now = now;
    input.trustValidUntil = validUntil;
    input.rosterLoaded = rosterInfo->has_value();
    input.onRoster = rosterEntry.has_value();
    input.lastAdmission = prior;
    input.manual = manual != nullptr;
    input.clockIsFloor = !clock.explicitClock && !clock.reading.exact;
    policy::Decision decision = policy::decide(input);
    // The verdict is decide()'s; the extra code only says why the full ID is missing.
    const bool unsealed = manual != nullptr && !m_trust.sealPublicKey;
    if (unsealed)
        decision.reasons.push_back(credentials::Reason::IdNotSealed);

    auto door = doorName();
    if (!door)
        return door.error();
    storage::EventDraft draft;
    draft.kind = manual ? storage::EventKind::Manual : storage::EventKind::Scan;
    draft.credentialType = manual ? std::string(idTypeName(manual->idType))
                                  : std::string(credentials::credentialKindName(credential.kind));
    draft.subjectKey = credential.subjectKey;
    draft.maskedId = credential.maskedId;
    draft.verdict = decision.verdict;
    for (credentials::Reason reason : decision.reasons)
        draft.reasons.emplace_back(credentials::reasonText(reason).code);
    nlohmann::json detail = {{"door", *door}, {"profile", m_config.profile.name}};
    if (clock.explicitClock)
        detail["decided_at"] = formatIsoTime(now);
    detail["clock"] = clockJson(clock.reading, m_clock.lastEventWallMs());
    if (!decision.detail.empty())
        detail["message"] = decision.detail;
    if (decision.alreadyAdmitted)
        detail["already_admitted"] = alreadyAdmittedJson(*decision.alreadyAdmitted);
    if (manual) {
        draft.operatorId = manual->operatorId;
        detail["id_type"] = idTypeName(manual->idType);
        detail["reason"] = manual->reason;
        if (unsealed) {
            // Auditors and the central read why the full ID is absent; id and name go nowhere.
            detail["sealed_id"] = nullptr;
            detail["id_sealing"] = "no_seal_key";
        } else {
            // Sealed to the central's key; only the auditor's file of that key opens it. The
            // key id tells the opener which file, after a rotation.
            detail["sealed_id"] =
                sync::pass::sealIdentity(manual->id, manual->name, *m_trust.sealPublicKey);
            detail["seal_kid"] = sync::pass::sealKeyId(*m_trust.sealPublicKey);
        }
    } else {
        detail["checks"] = checksJson(credential.checks);
        if (!credential.passId.empty())
            detail["pass_id"] = credential.passId;
        if (!credential.issuer.empty())
            detail["issuer"] = credential.issuer;
        if (!credential.candidateNumber.empty())
            detail["candidate"] = credential.candidateNumber;
        if (credential.status)
            detail["status"] = sync::pass::passStatusName(*credential.status);
        if (credential.kind == credentials::CredentialKind::Unrecognised)
            detail["content"] = credential.content;
    }
    if (rosterEntry) {
        detail["room"] = rosterEntry->room;
        detail["seat"] = rosterEntry->seat;
        detail["session"] = rosterEntry->session;
    }
    draft.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

    // The wall time the clock was judged by is the one stored (and compared with the last).
    draft.wallTimeMs = clock.reading.wallMs;

    // Only a committed event makes a verdict: append() returns after COMMIT (synchronous=FULL).
    auto seq = m_log.append(draft);
    if (!seq)
        return seq.error();
    m_clock.noteEvent(clock.reading.wallMs);
    GateResult result;
    result.verdict = decision.verdict;
    result.reasons = decision.reasons;
    result.detail = decision.detail;
    result.alreadyAdmitted = decision.alreadyAdmitted;
    result.credential = std::move(credential);
    result.seq = *seq;
    result.rosterEntry = std::move(rosterEntry);
    result.clock = clock.reading;
    return result;
}

} // namespace doorpost::kiosk::gate
