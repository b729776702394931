#pragma once
// StaffNotice: what a staff action (sync now, export for auditors, camera, profile) answers. What
// happened and its values, not a sentence: the staff screen words it in the language shown when
// it draws the toast (kiosk/ui/staff_notice_text.hpp), so a Chinese-speaking staff member reads
// Chinese (and a language switch while the toast is up re-words it). Values that come from lower
// layers (a path, a count, an OS error, the export child's one-line error) stay as they are
// inside the translated sentence.

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace doorpost::kiosk::app {

enum class StaffOutcome {
    NotAvailable,
    SyncNoCentral,
    SyncBusy,
    SyncDone,   // {0} events waiting
    SyncFailed, // {0} the error
    SyncStillRunning,
    ExportBusy,
    ExportDone,       // {0} events, {1} folder
    ExportDoneBroken, // {0} events, {1} folder, {2} the chain's first bad record
    ExportNoMedia,
    ExportDirNotWritable, // {0} folder
    ExportFolderFailed,   // {0} the error
    ExportDbFailed,       // {0} the error
    ExportShuttingDown,
    ExportFailed,   // {0} the error
    CameraRefused,  // {0} the camera asked for, {1} why
    ProfileAtStart, // {0} the profile asked for
    CameraSwitched, // {0} the camera now in use
    ProfileChanged, // {0} the profile now in use
    ClockConfirmed, // {0} the time staff vouched for (local)
    ClockFailed,    // {0} the error
    ClockSet,       // {0} the time staff gave (local, to the minute)
    ClockSetFailed, // {0} the error
};

struct StaffNotice {
    StaffOutcome what = StaffOutcome::NotAvailable;
    std::vector<std::string> args; // fill {0}, {1}, ... of the sentence for `what`
    bool failed = false;           // drawn red; scripts see staff_result error
};

inline StaffNotice staffOk(StaffOutcome what, std::vector<std::string> args = {}) {
    return {what, std::move(args), false};
}
inline StaffNotice staffFailed(StaffOutcome what, std::vector<std::string> args = {}) {
    return {what, std::move(args), true};
}

using StaffDone = std::function<void(StaffNotice)>;

} // namespace doorpost::kiosk::app
