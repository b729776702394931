#include "kiosk/ui/kiosk_staff.hpp"

#include "kiosk/gate/gate.hpp"
#include "kiosk/ui/audit_export_child.hpp"
#include "storage/database.hpp"
#include "sync/sync_worker.hpp"

#include <chrono>
#include <csignal>
#include <thread>
#include <utility>

namespace doorpost::kiosk::ui {

KioskStaff::KioskStaff(KioskStaffConfig config, sync::SyncWorker* sync)
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
        done(staffFailed(Str::StaffSyncNoCentral));
        return;
    }
    if (!m_syncWorker.submit([this, done] { done(doSync()); })) {
        done(staffFailed(Str::StaffSyncBusy));
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
        const sync::SyncStatus status = m_sync->status();
        if (status.rounds > before) {
            if (!status.lastError.empty()) {
                return staffFailed(Str::StaffSyncFailed, {status.lastError});
            }
            return staffOk(Str::StaffSyncDone, {std::to_string(status.eventsWaiting)});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return staffFailed(Str::StaffSyncStillRunning);
}

void KioskStaff::exportForAuditors(StaffDone done) {
    if (!m_exportWorker.submit([this, done] { done(doExport()); })) {
        done(staffFailed(Str::StaffExportBusy));
    }
}

StaffNotice KioskStaff::doExport() {
    auto parent = findExportDestination(m_config.exportDir, m_config.mediaRoots);
    if (!parent.ok()) {
        // findExportDestination fails in two ways only: the operator's folder is not writable,
        // or (none given) no writable removable media is mounted.
        return m_config.exportDir.empty()
                   ? staffFailed(Str::StaffExportNoMedia)
                   : staffFailed(Str::StaffExportDirNotWritable, {m_config.exportDir});
    }
    // The device id for the folder name, read on this thread through its own connection (the
    // same reading LogQuery does); the export itself maps the file only in the child.
    std::string device = "device";
    {
        auto db = storage::Database::open(m_config.dbPath);
        if (!db.ok()) {
            return staffFailed(Str::StaffExportDbFailed, {db.error().message});
        }
        auto id = db.value().meta("device_id");
        if (id.ok() && id.value()) {
            device = *id.value();
        }
    }
    if (m_stopping) {
        return staffFailed(Str::StaffExportShuttingDown);
    }
    const std::int64_t now = wallClockSeconds();
    auto folder = createExportFolder(parent.value(), device, now);
    if (!folder.ok()) {
        return staffFailed(Str::StaffExportFolderFailed, {detail(folder.error().message)});
    }
    auto exported = runExportChild(m_config.exePath, m_config.dbPath, todaySoFar(now),
                                   folder.value(), &m_childPid);
    if (!exported.ok()) {
        std::error_code ec;
        std::filesystem::remove_all(folder.value(), ec); // nothing half-written stays on the stick
        return staffFailed(Str::StaffExportFailed, {detail(exported.error().message)});
    }
    const std::string count = std::to_string(exported.value().count);
    if (exported.value().firstBrokenSeq > 0) {
        return staffOk(
            Str::StaffExportDoneBroken,
            {count, exported.value().outDir, std::to_string(exported.value().firstBrokenSeq)});
    }
    return staffOk(Str::StaffExportDone, {count, exported.value().outDir});
}

void KioskStaff::selectCamera(std::string source, StaffDone done) {
    done(staffFailed(Str::StaffCameraAtStart, {source}));
}

void KioskStaff::setSiteProfile(std::string profile, StaffDone done) {
    done(staffFailed(Str::StaffProfileAtStart, {profile}));
}

} // namespace doorpost::kiosk::ui
