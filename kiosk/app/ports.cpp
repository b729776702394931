#include "kiosk/app/ports.hpp"

namespace doorpost::kiosk::app {

const char* manualReasonCode(ManualReason reason) {
    switch (reason) {
    case ManualReason::NoPhone:
        return "no_phone";
    case ManualReason::WillNotScan:
        return "will_not_scan";
    case ManualReason::AppDown:
        return "app_down";
    case ManualReason::Other:
        return "other";
    }
    return "other";
}

const char* deviceStateName(DeviceState state) {
    switch (state) {
    case DeviceState::Missing:
        return "missing";
    case DeviceState::Starting:
        return "starting";
    case DeviceState::Ok:
        return "ok";
    case DeviceState::Offline:
        return "offline";
    }
    return "unknown";
}

} // namespace doorpost::kiosk::app
