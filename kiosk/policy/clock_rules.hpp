#pragma once
// The kiosk's clock as a trust input (docs/clock.md): evidence in, a clock state and the best
// estimate of the true time out. Pure, like decide(): the gate gathers the evidence
// (kiosk/gate/clock_watch) and hands the reading to decide().
//
//   ok       the wall clock agrees with the evidence; decisions use it.
//   suspect  the evidence says the wall clock is wrong by about offsetMs. With an anchor of this
//            boot (a sync's Date header, staff) the estimate is exact: decisions use it. Without
//            one it is only a floor ("not earlier than"): decisions use it where a floor is
//            enough and otherwise refer to staff with device_clock_wrong.
//   unknown  the wall clock is before the build date and nothing else is known: the estimate
//            is that floor, treated like a suspect floor.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace doorpost::kiosk::policy {

enum class ClockState { Ok, Suspect, Unknown };
std::string_view toString(ClockState state); // "ok", "suspect", "unknown"

// Within this much the wall clock counts as agreeing (Date has 1 s resolution, an exchange
// takes a while, a quartz clock drifts a few seconds a day).
inline constexpr std::int64_t kClockToleranceMs = 120'000;

struct ClockEvidence {
    std::int64_t wallMs = 0; // CLOCK_REALTIME now
    // The true time now from an anchor of this boot: anchor reference + boottime elapsed.
    std::optional<std::int64_t> anchoredMs;
    std::string anchorSource; // "sync" or "staff" when anchoredMs is set
    // Lower bounds of the true time: the last event's wall time, anchors of any boot, times
    // the kiosk wrote when it applied trust data and rosters; and the build date.
    std::int64_t lastEventMs = 0;
    std::int64_t anchorFloorMs = 0;
    std::int64_t trustFloorMs = 0;
    std::int64_t buildMs = 0;
};

struct ClockReading {
    ClockState state = ClockState::Ok;
    std::int64_t wallMs = 0;
    std::int64_t estimateMs = 0; // best estimate of the true time now
    bool exact = true;           // false: estimateMs is only a floor
    std::int64_t offsetMs = 0;   // estimate minus wall: what to add to the wall clock
    std::string basis; // "wall", "sync", "staff", "last_event", "anchor", "trust_data", "build"
};

ClockReading assessClock(const ClockEvidence& evidence);

} // namespace doorpost::kiosk::policy
