#include "kiosk/ui/staff_notice_text.hpp"

namespace doorpost::kiosk::ui {

std::string fillArgs(std::string_view pattern, const std::vector<std::string>& args) {
    std::string out;
    out.reserve(pattern.size() + 64);
    std::size_t i = 0;
    while (i < pattern.size()) {
        // Only "{digits}" is a placeholder; any other brace is text.
        if (pattern[i] == '{') {
            std::size_t j = i + 1;
            std::size_t index = 0;
            while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9' && j - i <= 3) {
                index = index * 10 + static_cast<std::size_t>(pattern[j] - '0');
                ++j;
            }
            if (j > i + 1 && j < pattern.size() && pattern[j] == '}' && index < args.size()) {
                out += args[index];
                i = j + 1;
                continue;
            }
        }
        out += pattern[i++];
    }
    return out;
}

Str staffNoticeText(app::StaffOutcome what) {
    switch (what) {
    case app::StaffOutcome::NotAvailable:
        return Str::NotAvailable;
    case app::StaffOutcome::SyncNoCentral:
        return Str::StaffSyncNoCentral;
    case app::StaffOutcome::SyncBusy:
        return Str::StaffSyncBusy;
    case app::StaffOutcome::SyncDone:
        return Str::StaffSyncDone;
    case app::StaffOutcome::SyncFailed:
        return Str::StaffSyncFailed;
    case app::StaffOutcome::SyncStillRunning:
        return Str::StaffSyncStillRunning;
    case app::StaffOutcome::ExportBusy:
        return Str::StaffExportBusy;
    case app::StaffOutcome::ExportDone:
        return Str::StaffExportDone;
    case app::StaffOutcome::ExportDoneBroken:
        return Str::StaffExportDoneBroken;
    case app::StaffOutcome::ExportNoMedia:
        return Str::StaffExportNoMedia;
    case app::StaffOutcome::ExportDirNotWritable:
        return Str::StaffExportDirNotWritable;
    case app::StaffOutcome::ExportFolderFailed:
        return Str::StaffExportFolderFailed;
    case app::StaffOutcome::ExportDbFailed:
        return Str::StaffExportDbFailed;
    case app::StaffOutcome::ExportShuttingDown:
        return Str::StaffExportShuttingDown;
    case app::StaffOutcome::ExportFailed:
        return Str::StaffExportFailed;
    case app::StaffOutcome::CameraRefused:
        return Str::StaffCameraRefused;
    case app::StaffOutcome::ProfileAtStart:
        return Str::StaffProfileAtStart;
    case app::StaffOutcome::CameraSwitched:
        return Str::StaffCameraSwitched;
    case app::StaffOutcome::ProfileChanged:
        return Str::StaffProfileChanged;
    case app::StaffOutcome::ClockConfirmed:
        return Str::StaffClockConfirmed;
    case app::StaffOutcome::ClockFailed:
        return Str::StaffClockFailed;
    case app::StaffOutcome::ClockSet:
        return Str::StaffClockSet;
    case app::StaffOutcome::ClockSetFailed:
        return Str::StaffClockSetFailed;
    }
    return Str::NotAvailable;
}

std::string formatNotice(Lang lang, const app::StaffNotice& notice) {
    return fillArgs(tr(lang, staffNoticeText(notice.what)), notice.args);
}

} // namespace doorpost::kiosk::ui
