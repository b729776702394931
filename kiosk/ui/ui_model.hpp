#pragma once
// UiModel: everything the screens show, owned by the UI thread. Other threads never touch it;
// they post closures to UiQueue, which the UI thread runs on this model once per frame.

#include "kiosk/app/ports.hpp"
#include "kiosk/ui/staff_notice_text.hpp"
#include "kiosk/ui/strings.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::kiosk::ui {

struct GlyphBatch; // glyph_rasterizer.hpp

using SteadyTime = std::chrono::steady_clock::time_point;

enum class ScreenId { Door, Manual, Pin, Staff, Roster, Stats };
const char* screenName(ScreenId id); // "door", "manual", ... (scripts and state dumps)

struct DeviceChip {
    app::DeviceState state = app::DeviceState::Missing;
    std::string detail;             // e.g. "replay: /path" or the last error
    std::vector<std::string> hints; // the camera's diagnostics: "too dark", ...
};

struct CentralChip {
    bool known = false; // no sync worker reported yet
    bool online = false;
    int eventsWaiting = 0;
    std::int64_t lastSyncUnix = 0;
};

// The doors of this site (docs/mesh.md): "peers n/m · age", shown only when the mesh runs.
struct PeersChip {
    bool shown = false;
    int known = 0;
    int reachable = 0;
    std::int64_t oldestAgeSeconds = -1; // stalest peer data held; -1: none yet
};

// Trust data as the gate will treat it: fresh until valid-until; past it the gate warns beside
// each verdict (amber, Stale) for the profile's warning period; past that (red, Expired) a
// fail-closed profile refers everyone to staff.
enum class TrustState { Unknown, Fresh, Stale, Expired };
struct TrustChip {
    TrustState state = TrustState::Unknown;
    std::int64_t ageSeconds = 0; // since the newest fetch
    std::int64_t fetchedUnix = 0;
    std::int64_t validUntilUnix = 0;
};

// The device clock (docs/clock.md): red when not ok, with the kiosk's time and the estimate.
struct ClockChip {
    bool known = false;
    std::string state = "ok"; // "ok", "suspect", "unknown"
    std::int64_t wallUnix = 0;
    std::int64_t estimateUnix = 0;
    std::int64_t offsetMs = 0;
    bool floor = false;
};

struct RosterChip {
    bool known = false; // no status read yet
    bool loaded = false;
    std::int64_t count = 0;
    std::int64_t validUntilUnix = 0;
    bool expired = false;
};

// A request the gate could not record (storage fault, a refused reason, bad input): shown as
// "NOT RECORDED" with the gate's words until the next request, never as a verdict colour, never
// silently. Nothing was decided, so nothing is counted.
struct GateFault {
    ErrorKind kind = ErrorKind::Environment;
    std::string message;
    ErrorOrigin origin = ErrorOrigin::General; // TrustData: a configuration fault, not a disk's
};

// Where a gate request came from: a read's fault shows on the door screen; a registration's on
// the manual screen, whose form stays filled so staff can retry once the fault is fixed.
enum class GateRequest { Read, Manual };

struct ShownVerdict {
    app::VerdictView view;
    SteadyTime shownAt;
};

struct UiModel {
    Lang lang = Lang::Zh;
    ScreenId screen = ScreenId::Door;
    bool examSite = true;                   // site profile: exam sites show roster fields
    std::vector<std::string> manualReasons; // reason codes the site accepts; empty: all
    bool quitRequested = false;

    DeviceChip camera;
    DeviceChip scanner;
    CentralChip central;
    PeersChip peers;
    TrustChip trust;
    RosterChip rosterChip;
    ClockChip clock;
    std::int64_t trustWarnSeconds = 24 * 3600; // the site profile's warning period
    bool sealKeyKnown = false;
    bool sealKey =
        false; // the central's sealing key is stored: manual entries keep the full ID (sealed)
    app::TodayCounters today;
    bool todayKnown = false;
    // The last read of the chips' status / of today's counters failed (the query thread's error,
    // a refused request among them): the door says its figures may be behind; both are read
    // again with the next status read.
    std::string statusReadError;
    std::string countersReadError;

    std::optional<ShownVerdict> verdict;  // on the door screen until it times out
    bool gateBusy = false;                // a request is with the gate; its buttons are disabled
    std::string gateError;                // one line, shown until the next request
    std::optional<GateFault> readFault;   // door screen
    std::optional<GateFault> manualFault; // manual screen
    bool gateAvailable = false;

    std::shared_ptr<const app::PreviewFrame> preview;

    std::vector<app::StatsBucket> stats;
    bool statsLoading = false;
    std::string statsError;

    std::vector<app::RosterEntry> roster;
    bool rosterLoading = false;
    std::string rosterError;

    std::string operatorName = "door";
    bool staffUnlocked = false;
    bool auditorOnly = false; // unlocked with the auditor's PIN: Export for auditors only
    // The last staff action's answer, worded in `lang` each time it is drawn (staffToastText).
    std::optional<app::StaffNotice> staffNotice;
    bool staffBusy = false;
    std::string centralAddress;             // run --central; empty: this kiosk does not sync
    std::vector<std::string> cameraChoices; // e.g. "synthetic", "replay:DIR", "/dev/video0"
    std::string cameraChoice;
    std::vector<std::string> scannerChoices;
    std::string scannerChoice;

    std::vector<std::string> newTexts; // dynamic texts whose glyphs the font atlas may lack
    // Glyphs drawn off the UI thread for those texts; the app adds them to the atlas after the
    // drain, before the frame is drawn.
    std::vector<std::shared_ptr<const GlyphBatch>> glyphBatches;
    std::optional<Verdict> pendingTone; // played by the app after the drain
    bool countersStale = true;          // ask the query port for today's counters
    bool clockStepped = false;          // the system clock was set: read the status now
    int tonesPlayed = 0;
    int taps = 0; // pointer presses, real or scripted, since start

    void noteText(const std::string& text) { newTexts.push_back(text); }
};

// The staff toast as shown now, in the model's language ("" when there is none).
inline std::string staffToastText(const UiModel& model) {
    return model.staffNotice ? formatNotice(model.lang, *model.staffNotice) : std::string();
}

// The kiosk's status read from the database (UI thread): central, trust and roster chips.
void applyStatus(UiModel& model, const app::KioskStatus& status, std::int64_t nowUnix);
// Moves the trust and roster chips on with the clock (UI thread, once a minute).
void ageChips(UiModel& model, std::int64_t nowUnix);

// A request going to the gate (UI thread): its controls disable, the last fault of its kind goes.
void beginGateRequest(UiModel& model, GateRequest origin);

// A gate answer arriving on the UI thread: a verdict goes to the door screen (a read's verdict
// leaves staff on the manual, PIN or staff screen they are working on); an error becomes the fault
// of the screen the request came from.
void applyVerdict(UiModel& model, Result<app::VerdictView> result, SteadyTime now,
                  GateRequest origin = GateRequest::Read);

const char*
faultName(const std::optional<GateFault>& fault); // "none", "bad_input", "environment", ...

} // namespace doorpost::kiosk::ui
