#include "kiosk/ui/kiosk_staff.hpp"

#include <chrono>
#include <csignal>
#include <thread>
#include <utility>

#include "kiosk/gate/gate.hpp"
#include "kiosk/ui/audit_export_child.hpp"
#include "storage/database.hpp"
#include "sync/sync_worker.hpp"

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

void KioskStaff::syncNow(std::function<void(Result<std::string>)> done) {
    if (m_sync == nullptr) {
        done(badInput("sync: no central configured (start the kiosk with --central URL --token T)"));
        return;
    }
    if (!m_syncWorker.submit([this, done] { done(doSync()); })) {
        done(environmentFault("sync: busy, try again"));
    }
}

Result<std::string> KioskStaff::doSync() {
    const std::int64_t before = m_sync->status().rounds;
    m_sync->nudge();
    // The round runs on the sync worker's thread; wait here (not on the UI thread) for it to end
    // so the toast can say how it went.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_config.syncWaitMs);
    while (!m_stopping && std::chrono::steady_clock::now() < deadline) {
        const sync::SyncStatus status = m_sync->status();
        if (status.rounds > before) {
            if (!status.lastError.empty()) {
                return environmentFault("sync: " + status.lastError);
            }
            return "sync: done, " + std::to_string(status.eventsWaiting) + " events waiting";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return environmentFault("sync: started, still running (see the central chip)");
}

void KioskStaff::exportForAuditors(std::function<void(Result<std::string>)> done) {
    if (!m_exportWorker.submit([this, done] { done(doExport()); })) {
        done(environmentFault("export: busy, try again"));
    }
}

Result<std::string> KioskStaff::doExport() {
    auto parent = findExportDestination(m_config.exportDir, m_config.mediaRoots);
    if (!parent.ok()) {
        return parent.error();
    }
    // The device id for the folder name, read on this thread through its own connection (the
    // same reading LogQuery does); the export itself maps the file only in the child.
    std::string device = "device";
    {
        auto db = storage::Database::open(m_config.dbPath);
        if (!db.ok()) {
            return environmentFault("export: " + db.error().message);
        }
        auto id = db.value().meta("device_id");
        if (id.ok() && id.value()) {
            device = *id.value();
        }
    }
    if (m_stopping) {
        return environmentFault("export: the kiosk is shutting down");
    }
    const std::int64_t now = wallClockSeconds();
    auto folder = createExportFolder(parent.value(), device, now);
    if (!folder.ok()) {
        return folder.error();
    }
    auto exported = runExportChild(m_config.exePath, m_config.dbPath, todaySoFar(now), folder.value(),
                                   &m_childPid);
    if (!exported.ok()) {
        std::error_code ec;
        std::filesystem::remove_all(folder.value(), ec); // nothing half-written stays on the stick
        return exported.error();
    }
    std::string line = "export: " + std::to_string(exported.value().count) + " events today -> " +
                       exported.value().outDir;
    if (exported.value().firstBrokenSeq > 0) {
        line += " (warning: chain broken at seq " + std::to_string(exported.value().firstBrokenSeq) + ")";
    }
    return line;
}

void KioskStaff::selectCamera(std::string source, std::function<void(Result<std::string>)> done) {
    done(badInput("camera: chosen at start (run --synthetic or --replay); not " + source));
}

void KioskStaff::setSiteProfile(std::string profile, std::function<void(Result<std::string>)> done) {
    done(badInput("profile: chosen at start (run --profile " + profile + ")"));
}

} // namespace doorpost::kiosk::ui
