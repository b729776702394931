#include "kiosk/ui/ui_model.hpp"

namespace doorpost::kiosk::ui {

const char* screenName(ScreenId id) {
    switch (id) {
    case ScreenId::Door: return "door";
    case ScreenId::Manual: return "manual";
    case ScreenId::Pin: return "pin";
    case ScreenId::Staff: return "staff";
    case ScreenId::Roster: return "roster";
    case ScreenId::Stats: return "stats";
    }
    return "unknown";
}

const char* deviceStateName(DeviceState state) {
    switch (state) {
    case DeviceState::Missing: return "missing";
    case DeviceState::Starting: return "starting";
    case DeviceState::Ok: return "ok";
    case DeviceState::Offline: return "offline";
    }
    return "unknown";
}

const char* idTypeCode(IdType type) {
    switch (type) {
    case IdType::Resident: return "resident";
    case IdType::Passport: return "passport";
    case IdType::Permit: return "permit";
    case IdType::Other: return "other";
    }
    return "other";
}

const char* manualReasonCode(ManualReason reason) {
    switch (reason) {
    case ManualReason::NoPhone: return "no_phone";
    case ManualReason::WillNotScan: return "will_not_scan";
    case ManualReason::AppDown: return "app_down";
    case ManualReason::Other: return "other";
    }
    return "other";
}

void applyVerdict(UiModel& model, Result<VerdictView> result, SteadyTime now) {
    model.gateBusy = false;
    if (!result.ok()) {
        model.gateError = result.error().message;
        model.noteText(model.gateError);
        return;
    }
    model.gateError.clear();
    VerdictView& view = result.value();
    for (const std::string* text : {&view.reasonZh, &view.reasonEn, &view.name, &view.maskedId,
                                    &view.room, &view.seat, &view.candidateNumber}) {
        model.noteText(*text);
    }
    model.pendingTone = view.kind;
    model.verdict = ShownVerdict{std::move(view), now};
    model.screen = ScreenId::Door;
    model.countersStale = true;
}

} // namespace doorpost::kiosk::ui
