#include "kiosk/ui/ui_model.hpp"

#include <algorithm>

namespace doorpost::kiosk::ui {

const char* screenName(ScreenId id) {
    switch (id) {
    case ScreenId::Door:
        return "door";
    case ScreenId::Manual:
        return "manual";
    case ScreenId::Pin:
        return "pin";
    case ScreenId::Staff:
        return "staff";
    case ScreenId::Roster:
        return "roster";
    case ScreenId::Stats:
        return "stats";
    }
    return "unknown";
}

const char* faultName(const std::optional<GateFault>& fault) {
    if (!fault) {
        return "none";
    }
    switch (fault->kind) {
    case ErrorKind::BadInput:
        return "bad_input";
    case ErrorKind::Environment:
        return "environment";
    case ErrorKind::Negative:
        return "negative";
    case ErrorKind::Conflict:
        return "conflict";
    }
    return "environment";
}

void ageChips(UiModel& model, std::int64_t wallUnix) {
    // With a suspect clock the chips age by the estimate, as the gate decides by it.
    const std::int64_t nowUnix =
        model.clock.state == "ok" ? wallUnix : wallUnix + model.clock.offsetMs / 1000;
    TrustChip& trust = model.trust;
    if (trust.validUntilUnix > 0) {
        trust.ageSeconds = std::max<std::int64_t>(0, nowUnix - trust.fetchedUnix);
        trust.state = nowUnix <= trust.validUntilUnix ? TrustState::Fresh
                      : nowUnix <= trust.validUntilUnix + model.trustWarnSeconds
                          ? TrustState::Stale
                          : TrustState::Expired;
    } else {
        trust.state = TrustState::Unknown; // nothing to verify signed passes with
    }
    RosterChip& roster = model.rosterChip;
    roster.expired = roster.loaded && nowUnix > roster.validUntilUnix;
}

void applyStatus(UiModel& model, const app::KioskStatus& status, std::int64_t nowUnix) {
    model.central.known = true;
    model.central.online = status.syncRunning && status.online;
    model.central.eventsWaiting =
        static_cast<int>(std::min<std::int64_t>(status.eventsWaiting, 1'000'000'000));
    model.central.lastSyncUnix = status.lastSyncUnix;
    model.peers.shown = status.meshRunning;
    model.peers.known = status.meshKnown;
    model.peers.reachable = status.meshReachable;
    model.peers.oldestAgeSeconds = status.meshOldestAgeMs < 0 ? -1 : status.meshOldestAgeMs / 1000;
    model.trust.fetchedUnix = status.trustFetchedUnix;
    model.trust.validUntilUnix = status.trustValidUntilUnix;
    model.rosterChip.known = true;
    model.rosterChip.loaded = status.rosterLoaded;
    model.rosterChip.count = status.rosterCount;
    model.rosterChip.validUntilUnix = status.rosterValidUntilUnix;
    model.sealKeyKnown = true;
    model.sealKey = status.sealKey;
    model.clock.known = true;
    model.clock.state = status.clockState;
    model.clock.wallUnix = status.clockWallUnix;
    model.clock.estimateUnix = status.clockEstimateUnix;
    model.clock.offsetMs = status.clockOffsetMs;
    model.clock.floor = status.clockFloor;
    if (model.clock.floor) {
        model.noteText("≥"); // the chip's and the staff screen's "not earlier than" sign
    }
    ageChips(model, nowUnix);
}

void beginGateRequest(UiModel& model, GateRequest origin) {
    model.gateBusy = true;
    model.gateError.clear();
    (origin == GateRequest::Manual ? model.manualFault : model.readFault).reset();
}

void applyVerdict(UiModel& model, Result<app::VerdictView> result, SteadyTime now,
                  GateRequest origin) {
    model.gateBusy = false;
    if (!result.ok()) {
        model.gateError = result.error().message;
        model.noteText(model.gateError);
        GateFault fault{result.error().kind, result.error().message, result.error().origin};
        if (origin == GateRequest::Manual) {
            model.manualFault = std::move(fault);
        } else {
            model.readFault = std::move(fault);
            model.verdict.reset(); // the panel shows the fault, not the previous person's verdict
        }
        model.pendingTone = Verdict::Refer; // staff must look
        return;
    }
    model.gateError.clear();
    model.readFault.reset();
    model.manualFault.reset();
    app::VerdictView& view = result.value();
    for (const std::string* text :
         {&view.reasonZh, &view.reasonEn, &view.name, &view.maskedId, &view.room, &view.seat,
          &view.candidateNumber, &view.alreadyAdmittedDoor}) {
        model.noteText(*text);
    }
    model.pendingTone = view.kind;
    model.verdict = ShownVerdict{std::move(view), now};
    // A code read while staff type a registration or a PIN, or work in the staff settings, is
    // recorded and heard (the tone), but does not take the screen away mid-task: its verdict waits
    // on the door screen until it times out. The roster and statistics give way to the door.
    const bool staffMidEntry = model.screen == ScreenId::Manual || model.screen == ScreenId::Pin ||
                               model.screen == ScreenId::Staff;
    if (origin == GateRequest::Manual || !staffMidEntry) {
        model.screen = ScreenId::Door;
    }
    model.countersStale = true;
}

} // namespace doorpost::kiosk::ui
