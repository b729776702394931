#include "kiosk/app/kiosk_staff.hpp"

#include "kiosk/app/audit_export_child.hpp"
#include "kiosk/gate/gate.hpp"
#include "storage/base/local_time.hpp"
#include "storage/database.hpp"
#include "sync/client/sync_worker.hpp"

#include <chrono>
#include <csignal>
#include <thread>
#include <utility>

namespace doorpost::kiosk::app {

KioskStaff::KioskStaff(KioskStaffConfig config, sync::client::SyncWorker* sync)
    : m_config(std::move(config)), m_sync(sync) {}

KioskStaff::~KioskStaff() {
    m_stopping = true;
    // The export child is ours: ending the kiosk ends it (its folder is then left incomplete and
    // is removed by doExport before the worker is joined).
    if (const int pid = m_childPid.load(); pid > 0) {
        ::kill(pid, SIGTERM);
    }
}

namespace {

// A lower layer's message without the "export: " / "export dir: " it starts with: the
// translated sentence around it already says it is about the export.
std::string detail(const std::string& message) {
    for (const char* prefix : {"export dir: ", "export: "}) {
        if (message.rfind(prefix, 0) == 0) {
            return message.substr(std::string(prefix).size());
        }
    }
    return message;
}

} // namespace

void KioskStaff::syncNow(StaffDone done) {
    if (m_sync == nullptr) {
        done(staffFailed(StaffOutcome::SyncNoCentral));
        return;
    }
    if (!m_syncWorker.submit([this, done] { done(doSync()); })) {
        done(staffFailed(StaffOutcome::SyncBusy));
    }
}

StaffNotice KioskStaff::doSync() {
    const std::int64_t before = m_sync->status().rounds;
    m_sync->nudge();
    // The round runs on the sync worker's thread; wait here (not on the UI thread) for it to end
    // so the toast can say how it went.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(m_config.syncWaitMs);
    while (!m_stopping && std::chrono::steady_clock::now() < deadline) {
        const sync::client::SyncStatus status = m_sync->status();
        if (status.rounds > before) {
            if (!status.lastError.empty()) {
                return staffFailed(StaffOutcome::SyncFailed, {status.lastError});
            }
            return staffOk(StaffOutcome::SyncDone, {std::to_string(status.eventsWaiting)});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return staffFailed(StaffOutcome::SyncStillRunning);
}

void KioskStaff::exportForAuditors(StaffDone done) {
    if (!m_exportWorker.submit([this, done] { done(doExport()); })) {
        done(staffFailed(StaffOutcome::ExportBusy));
    }
}

StaffNotice KioskStaff::doExport() {
    auto parent = findExportDestination(m_config.exportDir, m_config.mediaRoots);
    if (!parent.ok()) {
        // findExportDestination fails in two ways only: the operator's folder is not writable,
        // or (none given) no writable removable media is mounted.
        return m_config.exportDir.empty()
                   ? staffFailed(StaffOutcome::ExportNoMedia)
                   : staffFailed(StaffOutcome::ExportDirNotWritable, {m_config.exportDir});
    }
    // The device id for the folder name, read on this thread through its own connection (the
    // same reading LogQuery does); the export itself maps the file only in the child.
    std::string device = "device";
    {
        auto db = storage::Database::open(m_config.dbPath);
        if (!db.ok()) {
            return staffFailed(StaffOutcome::ExportDbFailed, {db.error().message});
        }
        auto id = db.value().meta("device_id");
        if (id.ok() && id.value()) {
            device = *id.value();
        }
    }
    if (m_stopping) {
        return staffFailed(StaffOutcome::ExportShuttingDown);
    }
    const std::int64_t now = gate::wallClockSeconds();
    auto folder = createExportFolder(parent.value(), device, now);
    if (!folder.ok()) {
        return staffFailed(StaffOutcome::ExportFolderFailed, {detail(folder.error().message)});
    }
    auto exported = runExportChild(m_config.exePath, m_config.dbPath, todaySoFar(now),
                                   folder.value(), &m_childPid);
    if (!exported.ok()) {
        std::error_code ec;
        std::filesystem::remove_all(folder.value(), ec); // nothing half-written stays on the stick
        return staffFailed(StaffOutcome::ExportFailed, {detail(exported.error().message)});
    }
    const std::string count = std::to_string(exported.value().count);
    if (exported.value().firstBrokenSeq > 0) {
        return staffOk(
            StaffOutcome::ExportDoneBroken,
            {count, exported.value().outDir, std::to_string(exported.value().firstBrokenSeq)});
    }
    return staffOk(StaffOutcome::ExportDone, {count, exported.value().outDir});
}

void KioskStaff::selectCamera(std::string source, StaffDone done) {
    if (!m_config.switchCamera) {
        done(staffFailed(StaffOutcome::CameraRefused, {source, "no camera feed in this kiosk"}));
        return;
    }
    if (!m_deviceWorker.submit([this, source, done] { done(doSelectCamera(source)); })) {
        done(staffFailed(StaffOutcome::CameraRefused, {source, "busy"}));
    }
}

StaffNotice KioskStaff::doSelectCamera(const std::string& spec) {
    // The switch itself only hands the new source to the capture thread; opening it happens
    // there. What is written here is the choice, so a restart opens the same camera.
    if (auto switched = m_config.switchCamera(spec); !switched.ok()) {
        return staffFailed(StaffOutcome::CameraRefused, {spec, switched.error().message});
    }
    auto db = storage::Database::open(m_config.dbPath);
    if (!db.ok()) {
        return staffFailed(StaffOutcome::CameraRefused, {spec, db.error().message});
    }
    if (auto kept = db.value().setMeta(kCameraChoiceKey, spec); !kept.ok()) {
        return staffFailed(StaffOutcome::CameraRefused, {spec, kept.error().message});
    }
    return staffOk(StaffOutcome::CameraSwitched, {spec});
}

void KioskStaff::confirmClock(StaffDone done) {
    if (!m_deviceWorker.submit([this, done] { done(doClock(std::nullopt)); })) {
        done(staffFailed(StaffOutcome::ClockFailed, {"busy"}));
    }
}

void KioskStaff::setClock(std::int64_t toMs, StaffDone done) {
    if (!m_deviceWorker.submit([this, toMs, done] { done(doClock(toMs)); })) {
        done(staffFailed(StaffOutcome::ClockSetFailed, {"busy"}));
    }
}

StaffNotice KioskStaff::doClock(std::optional<std::int64_t> toMs) {
    const StaffOutcome failed = toMs ? StaffOutcome::ClockSetFailed : StaffOutcome::ClockFailed;
    // Its own connection and gate: the event log takes writers on several connections (each
    // append chains in its own write transaction), and the door's gate reads the new anchor at
    // its next decision (clock_watch.hpp). Gate::setClock is what `doorpost clock set|confirm`
    // runs too: one implementation of the event and the anchor.
    auto db = storage::Database::open(m_config.dbPath);
    if (!db.ok()) {
        return staffFailed(failed, {db.error().message});
    }
    auto gate = gate::Gate::open(db.value(), gate::GateConfig{});
    if (!gate.ok()) {
        return staffFailed(failed, {gate.error().message});
    }
    auto set = gate.value().setClock(toMs, "staff");
    if (!set.ok()) {
        return staffFailed(failed, {set.error().message});
    }
    if (toMs) {
        return staffOk(StaffOutcome::ClockSet, {formatLocalMinute(localMinute(*toMs / 1000))});
    }
    return staffOk(StaffOutcome::ClockConfirmed, {localClock(set.value().after.estimateMs / 1000)});
}

void KioskStaff::setSiteProfile(std::string profile, StaffDone done) {
    done(staffFailed(StaffOutcome::ProfileAtStart, {profile}));
}

} // namespace doorpost::kiosk::app
