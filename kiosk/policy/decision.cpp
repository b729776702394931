#include "kiosk/policy/decision.hpp"

#include "kiosk/policy/clock_rules.hpp"

#include <algorithm>

namespace doorpost::kiosk::policy {
namespace {

// Problems a later true time could undo. Past expiry is not one: the true time is not earlier
// than the floor, so a pass expired at the floor is expired.
bool onlyTooEarly(const std::vector<credentials::Reason>& problems) {
    return !problems.empty() &&
           std::all_of(problems.begin(), problems.end(), [](credentials::Reason reason) {
               return reason == credentials::Reason::PassNotYetValid ||
                      reason == credentials::Reason::SignerNotValid;
           });
}

bool signedCredential(credentials::CredentialKind kind) {
    return kind == credentials::CredentialKind::Dp1 || kind == credentials::CredentialKind::Hc1;
}

} // namespace

Decision decide(const DecisionInput& input) {
    const credentials::CredentialResult& credential = input.credential;
    const SiteProfile& profile = input.profile;
    Decision out;
    // With only a floor of the true time, every decision says so: the checks that passed were
    // judged at the floor, and auditors and staff see which verdicts leant on it.
    if (input.clockIsFloor)
        out.reasons.push_back(credentials::Reason::DeviceClockWrong);
    const auto verdict = [&out](Verdict v, credentials::Reason r) {
        out.verdict = v;
        out.reasons.insert(out.reasons.begin(), r);
        return out;
    };

    if (!input.manual && profile.accepted.count(credential.kind) == 0) {
        // Staff look: the person may hold a credential this door counts.
        if (credential.kind == credentials::CredentialKind::Unrecognised)
            out.reasons.push_back(credentials::Reason::Unrecognised);
        return verdict(Verdict::Refer, credentials::Reason::CredentialNotAccepted);
    }
    if (!credential.valid() && input.clockIsFloor && onlyTooEarly(credential.problems)) {
        // "Not yet valid" at a floor of the true time says nothing: the wrong clock alone
        // would deny. Staff look; the problems stay beside the clock reason.
        out.verdict = Verdict::Refer;
        out.reasons.insert(out.reasons.end(), credential.problems.begin(),
                           credential.problems.end());
        out.detail = credential.message;
        return out;
    }
    if (!credential.valid()) {
        out.verdict = credential.kind == credentials::CredentialKind::Unrecognised ? Verdict::Refer
                                                                                   : Verdict::Deny;
        out.reasons.insert(out.reasons.begin(), credential.problems.begin(),
                           credential.problems.end());
        out.detail = credential.message;
        return out;
    }

    // Trust data freshness: lists past valid-until warn for a while, then the profile says
    // whether automatic admission stops (fail closed: staff must look) or keeps warning.
    const bool trustMatters = signedCredential(credential.kind) || profile.rosterRequired;
    if (trustMatters && input.trustValidUntil && input.now > *input.trustValidUntil) {
        const bool pastWarning = input.now > *input.trustValidUntil + profile.trustWarnSeconds;
        if (pastWarning && profile.afterWarning == StaleMode::FailClosed)
            return verdict(Verdict::Refer, credentials::Reason::TrustDataExpired);
        out.reasons.push_back(credentials::Reason::TrustDataStale); // a warning beside the verdict
    }

    if (credential.status == sync::pass::PassStatus::Red)
        return verdict(Verdict::Deny, credentials::Reason::StatusRed);

    if (profile.rosterRequired) {
        if (!input.rosterLoaded)
            return verdict(Verdict::Refer, credentials::Reason::RosterUnavailable);
        if (!input.onRoster)
            return verdict(credential.kind == credentials::CredentialKind::Ticket ? Verdict::Deny
                                                                                  : Verdict::Refer,
                           credentials::Reason::NotOnRoster);
    }

    if (profile.reentryWindowSeconds > 0 && input.lastAdmission &&
        input.now - input.lastAdmission->at <= profile.reentryWindowSeconds &&
        // An admission a little after `now` (an estimate anchored on a Date header of one-second
        // resolution, clocks that disagree within the tolerance) is still a recent one.
        input.now + kClockToleranceMs / 1000 >= input.lastAdmission->at) {
        out.alreadyAdmitted = input.lastAdmission;
        return verdict(Verdict::Refer, input.lastAdmission->throughPeer()
                                           ? credentials::Reason::PeerAlreadyAdmitted
                                           : credentials::Reason::AlreadyAdmitted);
    }

    if (credential.status == sync::pass::PassStatus::Yellow)
        return verdict(Verdict::Refer, credentials::Reason::StatusYellow);

    const credentials::Reason ok = input.manual ? credentials::Reason::ManualRegistration
                                   : credential.kind == credentials::CredentialKind::Ticket
                                       ? credentials::Reason::TicketValid
                                       : credentials::Reason::CredentialValid;
    return verdict(Verdict::Admit, ok);
}

} // namespace doorpost::kiosk::policy
