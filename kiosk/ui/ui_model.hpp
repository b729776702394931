#pragma once
// UiModel: everything the screens show, owned by the UI thread. Other threads never touch it;
// they post closures to UiQueue, which the UI thread runs on this model once per frame.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/ui/ports.hpp"
#include "kiosk/ui/strings.hpp"

namespace doorpost::kiosk::ui {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class ScreenId { Door, Manual, Pin, Staff, Roster, Stats };
const char* screenName(ScreenId id); // "door", "manual", ... (scripts and state dumps)

enum class DeviceState { Missing, Starting, Ok, Offline };
const char* deviceStateName(DeviceState state);

struct DeviceChip {
    DeviceState state = DeviceState::Missing;
    std::string detail; // e.g. "replay: /path" or the last error
};

struct CentralChip {
    bool known = false; // no sync worker reported yet
    bool online = false;
    int eventsWaiting = 0;
    std::int64_t lastSyncUnix = 0;
};

enum class TrustState { Unknown, Fresh, Stale, Expired };
struct TrustChip {
    TrustState state = TrustState::Unknown;
    std::int64_t ageSeconds = 0;
};

// A grey camera frame for the preview, already scaled down by the camera thread.
struct PreviewFrame {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> luma; // width * height, tightly packed
    std::vector<float> outline;     // x0,y0,...,x3,y3 of the last read, in frame pixels, or empty
    std::uint64_t generation = 0;
};

struct ShownVerdict {
    VerdictView view;
    SteadyTime shownAt;
};

struct UiModel {
    Lang lang = Lang::Zh;
    ScreenId screen = ScreenId::Door;
    bool examSite = true; // site profile: exam sites show roster fields
    bool quitRequested = false;

    DeviceChip camera;
    DeviceChip scanner;
    CentralChip central;
    TrustChip trust;
    TodayCounters today;
    bool todayKnown = false;

    std::optional<ShownVerdict> verdict; // on the door screen until it times out
    bool gateBusy = false;               // a request is with the gate; its buttons are disabled
    std::string gateError;               // one line, shown until the next request
    bool gateAvailable = false;

    std::shared_ptr<const PreviewFrame> preview;

    std::vector<StatsBucket> stats;
    bool statsLoading = false;
    std::string statsError;

    std::vector<RosterEntry> roster;
    bool rosterLoading = false;
    std::string rosterError;

    std::string operatorName = "door";
    bool staffUnlocked = false;
    std::string staffToast;
    bool staffBusy = false;
    std::string centralAddress = "https://127.0.0.1:8443";
    std::vector<std::string> cameraChoices; // e.g. "synthetic", "replay:DIR", "/dev/video0"
    std::string cameraChoice;
    std::vector<std::string> scannerChoices;
    std::string scannerChoice;

    std::vector<std::string> newTexts; // dynamic texts whose glyphs the font atlas may lack
    std::optional<VerdictKind> pendingTone; // played by the app after the drain
    bool countersStale = true;              // ask the query port for today's counters
    int tonesPlayed = 0;
    int taps = 0; // pointer presses, real or scripted, since start

    void noteText(const std::string& text) { newTexts.push_back(text); }
};

// A gate answer arriving on the UI thread: show it on the door screen (or keep the error).
void applyVerdict(UiModel& model, Result<VerdictView> result, SteadyTime now);

} // namespace doorpost::kiosk::ui
