#include "kiosk/policy/clock_rules.hpp"

#include <utility>

namespace doorpost::kiosk::policy {

std::string_view toString(ClockState state) {
    switch (state) {
    case ClockState::Ok:
        return "ok";
    case ClockState::Suspect:
        return "suspect";
    case ClockState::Unknown:
        return "unknown";
    }
    return "unknown";
}

ClockReading assessClock(const ClockEvidence& evidence) {
    ClockReading reading;
    reading.wallMs = evidence.wallMs;
    // Within one boot an anchor is the best evidence there is: CLOCK_BOOTTIME does not move
    // when the wall clock is stepped, so anchor + elapsed is the time whatever the RTC did.
    if (evidence.anchoredMs) {
        reading.estimateMs = *evidence.anchoredMs;
        reading.offsetMs = reading.estimateMs - evidence.wallMs;
        const bool agrees =
            reading.offsetMs <= kClockToleranceMs && reading.offsetMs >= -kClockToleranceMs;
        reading.state = agrees ? ClockState::Ok : ClockState::Suspect;
        reading.basis = agrees ? "wall" : evidence.anchorSource;
        if (agrees) {
            reading.estimateMs = evidence.wallMs;
            reading.offsetMs = 0;
        }
        return reading;
    }
    // Otherwise only floors: the true time is not earlier than any of them. A wall clock at or
    // after the latest floor has nothing against it (a kiosk may have been stored for a year).
    std::pair<std::int64_t, const char*> floor{evidence.buildMs, "build"};
    for (const auto& candidate :
         {std::pair<std::int64_t, const char*>{evidence.trustFloorMs, "trust_data"},
          {evidence.anchorFloorMs, "anchor"},
          {evidence.lastEventMs, "last_event"}}) {
        if (candidate.first > floor.first)
            floor = candidate;
    }
    if (evidence.wallMs >= floor.first - kClockToleranceMs) {
        reading.estimateMs = evidence.wallMs;
        reading.basis = "wall";
        return reading;
    }
    reading.state =
        std::string_view(floor.second) == "build" ? ClockState::Unknown : ClockState::Suspect;
    reading.estimateMs = floor.first;
    reading.exact = false;
    reading.offsetMs = floor.first - evidence.wallMs;
    reading.basis = floor.second;
    return reading;
}

} // namespace doorpost::kiosk::policy
