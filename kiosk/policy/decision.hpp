#pragma once
// decide(): the verdict for one verified credential or manual registration under a site
// profile. Pure: everything it needs (roster answer, the last admission of this subject, trust
// freshness, the clock) is handed in, so it decides the same way every time and the gate,
// the CLI and tests share it.

#include "kiosk/credentials/credential.hpp"
#include "kiosk/credentials/reason.hpp"
#include "kiosk/policy/site_profile.hpp"
#include "storage/base/verdict.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::kiosk::policy {

struct PriorAdmission {
    std::int64_t at = 0; // wall time of the admitting event, UTC seconds
    std::string door;    // device id or door name
    // Learnt from a peer door's chain (docs/mesh.md) rather than this door's own log: the
    // duplicate is REFER peer_already_admitted, and these name the record it rests on.
    std::string peerDevice;
    std::int64_t peerSeq = 0;
    bool throughPeer() const { return !peerDevice.empty(); }
};

struct DecisionInput {
    const credentials::CredentialResult& credential;
    const SiteProfile& profile;
    std::int64_t now = 0;
    std::optional<std::int64_t> trustValidUntil; // earliest valid-until of trust + roster
    bool rosterLoaded = false;
    bool onRoster = false; // by candidate number or subject key
    // Of this subject key: the newest of this door's own and its peers' (Gate).
    std::optional<PriorAdmission> lastAdmission;
    bool manual = false; // a manual registration, not a code read
    // The device clock is suspect and `now` is only a floor of the true time (clock_rules.hpp):
    // a time check the floor cannot settle refers to staff (device_clock_wrong), never denies.
    bool clockIsFloor = false;
};

// Values, never sentences: the screen words them in the language it shows (and the local time
// it shows them in is the screen's business, not the decision's).
struct Decision {
    Verdict verdict = Verdict::Refer;
    std::vector<credentials::Reason> reasons; // the verdict's reasons first, then warnings
    std::string detail; // the verifier's technical message (for the log and `scan`), or empty
    std::optional<PriorAdmission> alreadyAdmitted; // AlreadyAdmitted: when and at which door
};

Decision decide(const DecisionInput& input);

} // namespace doorpost::kiosk::policy
