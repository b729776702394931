#include "kiosk/policy/decision.hpp"

#include <algorithm>
#include <ctime>

namespace doorpost::kiosk {
namespace {

std::string clockTime(std::int64_t epochSeconds) {
    const auto seconds = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char buffer[8];
    std::strftime(buffer, sizeof buffer, "%H:%M", &tm);
    return buffer;
}

bool signedCredential(CredentialKind kind) {
    return kind == CredentialKind::Dp1 || kind == CredentialKind::Hc1;
}

} // namespace

Decision decide(const DecisionInput& input) {
    const CredentialResult& credential = input.credential;
    const SiteProfile& profile = input.profile;
    Decision out;
    const auto verdict = [&out](Verdict v, Reason r, std::string detail = {}) {
        out.verdict = v;
        out.reasons.insert(out.reasons.begin(), r);
        if (out.detail.empty())
            out.detail = std::move(detail);
        return out;
    };

    if (!input.manual && profile.accepted.count(credential.kind) == 0) {
        // Staff look: the person may hold a credential this door counts.
        if (credential.kind == CredentialKind::Unrecognised)
            out.reasons.push_back(Reason::Unrecognised);
        return verdict(Verdict::Refer, Reason::CredentialNotAccepted);
    }
    if (!credential.valid()) {
        out.verdict =
            credential.kind == CredentialKind::Unrecognised ? Verdict::Refer : Verdict::Deny;
        out.reasons = credential.problems;
        out.detail = credential.message;
        return out;
    }

    // Trust data freshness: lists past valid-until warn for a while, then the profile says
    // whether automatic admission stops (fail closed: staff must look) or keeps warning.
    const bool trustMatters = signedCredential(credential.kind) || profile.rosterRequired;
    if (trustMatters && input.trustValidUntil && input.now > *input.trustValidUntil) {
        const bool pastWarning = input.now > *input.trustValidUntil + profile.trustWarnSeconds;
        if (pastWarning && profile.afterWarning == StaleMode::FailClosed)
            return verdict(Verdict::Refer, Reason::TrustDataExpired);
        out.reasons.push_back(Reason::TrustDataStale); // a warning beside the verdict
    }

    if (credential.status == sync::pass::PassStatus::Red)
        return verdict(Verdict::Deny, Reason::StatusRed);

    if (profile.rosterRequired) {
        if (!input.rosterLoaded)
            return verdict(Verdict::Refer, Reason::RosterUnavailable);
        if (!input.onRoster)
            return verdict(credential.kind == CredentialKind::Ticket ? Verdict::Deny
                                                                     : Verdict::Refer,
                           Reason::NotOnRoster);
    }

    if (profile.reentryWindowSeconds > 0 && input.lastAdmission &&
        input.now - input.lastAdmission->at <= profile.reentryWindowSeconds &&
        input.now >= input.lastAdmission->at)
        return verdict(Verdict::Refer, Reason::AlreadyAdmitted,
                       "already admitted " + clockTime(input.lastAdmission->at) + " at " +
                           input.lastAdmission->door);

    if (credential.status == sync::pass::PassStatus::Yellow)
        return verdict(Verdict::Refer, Reason::StatusYellow);

    const Reason ok = input.manual                                ? Reason::ManualRegistration
                      : credential.kind == CredentialKind::Ticket ? Reason::TicketValid
                                                                  : Reason::CredentialValid;
    return verdict(Verdict::Admit, ok);
}

} // namespace doorpost::kiosk
