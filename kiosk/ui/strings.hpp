#pragma once
// The zh-CN / en strings table. Every fixed text the kiosk shows is here, so switching language
// is one field of UiModel and the font atlas can be built from exactly the glyphs we display.

#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::ui {

enum class Lang { Zh, En };

enum class Str {
    Title, Ready, ReadyHint, Admit, Deny, Refer, Recording, GateUnavailable, ScanNotRecorded,
    Manual, Staff, Roster, Statistics, OtherLanguage, Back, Cancel, Confirm,
    Camera, Scanner, Central, TrustData, ChipOk, ChipOffline, ChipMissing, ChipStarting,
    ChipOnline, ChipWaiting, ChipLastSync, ChipAge, ChipStale, ChipExpired, ChipUnknown,
    CountAdmitted, CountDenied, CountReferred, CountManual, Today,
    IdType, IdResident, IdPassport, IdPermit, IdOther, IdNumber, Delete, Clear,
    IdIncomplete, IdCheckOk, IdCheckWrong, IdBadDate, IdBadArea, IdTooLong, IdBadFormat, IdFormatOk,
    Born, Sex, Male, Female, NameOptional, Reason, ReasonNoPhone, ReasonWillNotScan,
    ReasonAppDown, ReasonOther, PickReason,
    PinTitle, PinWrong, PinLocked, PinChecking, PinNotSet, Ok,
    StaffSettings, CameraSource, ScannerSource, SiteProfile, ProfileExam, ProfileTransit,
    CentralAddress, SyncNow, ExportAudit, Lock, ShutDown, NotAvailable, Working,
    RosterTitle, Arrived, NotArrived, Search, CandidateNumber, Name, MaskedId, Room, Seat,
    StatsTitle, Per10Min, Loading, NoData, Seconds,
    NotRecorded, FaultConfig, FaultStorage, FaultInput, NoSealKey, ChipRosterNone,
    // What the staff actions answer (StaffNotice); {0}, {1}, ... are the notice's arguments.
    StaffSyncNoCentral, StaffSyncBusy, StaffSyncDone, StaffSyncFailed, StaffSyncStillRunning,
    StaffExportBusy, StaffExportDone, StaffExportDoneBroken, StaffExportNoMedia,
    StaffExportDirNotWritable, StaffExportFolderFailed, StaffExportDbFailed, StaffExportShuttingDown,
    StaffExportFailed, StaffCameraAtStart, StaffProfileAtStart, StaffCameraSwitched, StaffProfileChanged,
    MaskedOnlyRecord, Count_
};

const char* tr(Lang lang, Str id);

// Picks the text of a pair that comes from elsewhere (the gate's reasons).
inline const std::string& pick(Lang lang, const std::string& zh, const std::string& en) {
    return lang == Lang::Zh ? zh : en;
}

// Every string of the table in both languages (for the font atlas).
std::vector<std::string_view> allStrings();

} // namespace doorpost::kiosk::ui
