#pragma once
// What the screens drive, seen from the UI: small interfaces the composition root
// (kiosk/cli/cmd_run.cpp) fills with the real gate, the event log and sync (or, in tests only,
// with doubles). None of them may block the caller: each takes a request on the UI thread and
// answers later through a callback that runs on the implementation's own thread. The UI wraps
// every callback so that its body runs on the UI thread (UiQueue), never on the caller's.

#include "kiosk/app/staff_notice.hpp"
#include "storage/base/id_number.hpp"
#include "storage/base/result.hpp"
#include "storage/base/verdict.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::kiosk::app {

// A decision as the door screen shows it. Reason texts come from the gate in both languages.
struct VerdictView {
    Verdict kind = Verdict::Refer;
    std::vector<std::string> reasonCodes;
    std::string reasonZh;
    std::string reasonEn;
    std::string credential; // "DP1", "HC1", "ticket", "manual", ...
    std::string maskedId;
    std::string name;
    std::string candidateNumber;
    std::string room;
    std::string seat;
    std::int64_t seq = 0; // the committed event; a verdict is shown only after its commit
    // Already admitted within the re-entry window: when (UTC seconds) and at which door.
    std::optional<std::int64_t> alreadyAdmittedAt;
    std::string alreadyAdmittedDoor;
};

enum class ManualReason { NoPhone, WillNotScan, AppDown, Other };

const char* manualReasonCode(ManualReason r); // "no_phone", "will_not_scan", "app_down", "other"

struct ManualRegistration {
    IdType idType = IdType::Resident;
    std::string idNumber;
    std::string name; // optional
    ManualReason reason = ManualReason::NoPhone;
    std::string operatorName;
};

// The state of a device (camera, scanner) as its chip shows it.
enum class DeviceState { Missing, Starting, Ok, Offline };
const char* deviceStateName(DeviceState state); // "missing", "starting", ...

// A grey camera frame for the preview, already scaled down by the camera thread.
struct PreviewFrame {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> luma; // width * height, tightly packed
    std::vector<float> outline;     // x0,y0,...,x3,y3 of the last read, in frame pixels, or empty
    std::uint64_t generation = 0;
};

// Where a read came from. Only the camera's picture is decoded at this door; scanners and
// scripts hand over text, so the pipeline's picture step did not run here.
enum class ReadSource { Camera, HidScanner, WedgeScanner, Script };

struct CodeRead {
    std::string text;
    ReadSource source = ReadSource::Camera;
    std::string format; // the symbology when known: "QR_CODE", "PDF_417", ...
    std::chrono::steady_clock::time_point seen{}; // camera reads: when the frame was taken
    std::uint64_t frame = 0;                      // camera reads: the frame's sequence number
};

using VerdictCallback = std::function<void(Result<VerdictView>)>;

// The gate: verify, decide, append durably, then answer.
class GatePort {
public:
    virtual ~GatePort() = default;
    virtual void submitRead(CodeRead read, VerdictCallback done) = 0;
    virtual void submitRegistration(ManualRegistration registration, VerdictCallback done) = 0;
    // Hints from the manual form, so confirm does not wait for work that can start earlier:
    // the number typed is complete and valid (the gate may derive its subject key now), or the
    // registration in progress was abandoned. A gate may ignore them; the verdict is the same.
    virtual void prepareRegistration(IdType type, std::string idNumber) {
        (void)type;
        (void)idNumber;
    }
    virtual void forgetRegistration() {}
};

struct TodayCounters {
    int admitted = 0;
    int denied = 0;
    int referred = 0;
    int manual = 0;
};

struct StatsBucket {
    std::int64_t startUnix = 0; // start of a 10-minute bucket, UTC seconds
    int admitted = 0;
    int denied = 0;
    int referred = 0;
    int manual = 0;
};

struct RosterEntry {
    std::string candidateNumber;
    std::string name;
    std::string maskedId;
    std::string room;
    std::string seat;
    bool arrived = false;
};

// What the door's status chips show, read from the kiosk database (and the sync worker when one
// runs in this process). Times are UTC seconds; 0 means "none stored".
struct KioskStatus {
    std::int64_t trustFetchedUnix = 0;    // newest fetch of trusted keys or the deny list
    std::int64_t trustValidUntilUnix = 0; // earliest valid-until across those lists
    bool sealKey = false; // the central's sealing key: manual entries are sealed (else masked only)
    bool rosterLoaded = false;
    std::int64_t rosterCount = 0;
    std::int64_t rosterValidUntilUnix = 0;
    bool syncRunning = false; // a sync worker runs in this kiosk; else online is always false
    bool online = false;
    std::int64_t eventsWaiting = 0; // committed events the central has not acknowledged
    std::int64_t lastSyncUnix = 0;
    std::string syncError;
    // The device clock as the gate judges it (docs/clock.md): "ok", "suspect" or "unknown",
    // the wall clock and the best estimate of the true time when it was read.
    std::string clockState = "ok";
    std::int64_t clockWallUnix = 0;
    std::int64_t clockEstimateUnix = 0;
    std::int64_t clockOffsetMs = 0;
    bool clockFloor = false; // the estimate is only "not earlier than"
    // The doors of this site (docs/mesh.md), when the mesh runs in this kiosk: how many the site
    // set names, how many answer, and the age of the stalest peer data held (-1: none yet).
    bool meshRunning = false;
    int meshKnown = 0;
    int meshReachable = 0;
    std::int64_t meshOldestAgeMs = -1;
};

// Reads for the statistics, roster and counters. Served off the UI thread (SQLite reads).
class QueryPort {
public:
    virtual ~QueryPort() = default;
    virtual void todayCounters(std::function<void(Result<TodayCounters>)> done) = 0;
    virtual void statsPer10Min(std::int64_t fromUnix, std::int64_t toUnix,
                               std::function<void(Result<std::vector<StatsBucket>>)> done) = 0;
    virtual void kioskStatus(std::function<void(Result<KioskStatus>)> done) = 0;
    // Empty search: the whole roster. Otherwise matches candidate number or name.
    virtual void roster(std::string search,
                        std::function<void(Result<std::vector<RosterEntry>>)> done) = 0;
};

// What the staff screen can ask of the rest of the kiosk. Each answers once, success or failure,
// with a StaffNotice the toast words in the language on screen (never a ready-made sentence).
class StaffPort {
public:
    virtual ~StaffPort() = default;
    virtual void syncNow(StaffDone done) = 0;
    virtual void exportForAuditors(StaffDone done) = 0;
    virtual void selectCamera(std::string source, StaffDone done) = 0;
    virtual void setSiteProfile(std::string profile, StaffDone done) = 0;
    // Staff vouch that the kiosk's clock is right (docs/clock.md): recorded as an operator
    // event, then the estimate follows it for the rest of this boot.
    virtual void confirmClock(StaffDone done) { done(staffFailed(StaffOutcome::NotAvailable)); }
    // Staff give the true time (ms since 1970), as `doorpost clock set` does: the same operator
    // event (clock_set) and anchor. The system clock is left to the time service.
    virtual void setClock(std::int64_t toMs, StaffDone done) {
        (void)toMs;
        done(staffFailed(StaffOutcome::NotAvailable));
    }
};

// The camera feed as staff and scripts can act on it: pull the camera out and put it back (the
// replay and synthetic sources honour this; a real camera is unplugged by hand).
class CameraControl {
public:
    virtual ~CameraControl() = default;
    virtual Result<void> setPlugged(bool plugged) = 0;
};

} // namespace doorpost::kiosk::app
