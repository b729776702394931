#pragma once
// KioskStaff: the StaffPort of the real kiosk (`doorpost run`). Sync now nudges the sync worker
// running in this kiosk (run --central) and reports how the round ended; export for auditors
// runs `doorpost export` as a child process into a new folder on removable media (or
// run --export-dir). Each has its own worker thread, so a long export never delays a sync and
// neither ever runs on the UI thread.

#include "kiosk/app/ports.hpp"
#include "kiosk/app/task_runner.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync::client {
class SyncWorker;
}

namespace doorpost::kiosk::app {

struct KioskStaffConfig {
    std::string dbPath;
    std::string exePath = "/proc/self/exe"; // the doorpost binary the export child runs
    std::string exportDir;                  // empty: the first writable removable-media mount
    std::vector<std::string> mediaRoots = {"/media", "/run/media"};
    int syncWaitMs = 20'000; // how long sync now waits for the nudged round before answering
    // Switches the running camera feed to a --camera spec (camera_setup.hpp), on the staff
    // device thread; empty: this kiosk has no camera feed to switch.
    std::function<Result<void>(const std::string& spec)> switchCamera;
};

// The database meta key that keeps staff's camera choice across restarts.
inline constexpr const char* kCameraChoiceKey = "camera";

class KioskStaff final : public StaffPort {
public:
    // `sync`: the in-kiosk sync worker, or null when the kiosk runs without --central. It must
    // outlive this object.
    KioskStaff(KioskStaffConfig config, sync::client::SyncWorker* sync);
    ~KioskStaff() override; // ends a running export child, then joins the workers

    void syncNow(StaffDone done) override;
    void exportForAuditors(StaffDone done) override;
    // Switches the camera while the door runs and keeps the choice in the database (meta
    // "camera"), so the next start opens it too. The profile is chosen at start (--profile).
    void selectCamera(std::string source, StaffDone done) override;
    void setSiteProfile(std::string profile, StaffDone done) override;
    void confirmClock(StaffDone done) override;
    void setClock(std::int64_t toMs, StaffDone done) override;

private:
    StaffNotice doExport();                              // export worker thread
    StaffNotice doSync();                                // sync worker thread
    StaffNotice doSelectCamera(const std::string& spec); // device worker thread
    // Confirms (no time) or sets the clock through Gate::setClock; device worker thread.
    StaffNotice doClock(std::optional<std::int64_t> toMs);

    KioskStaffConfig m_config;
    sync::client::SyncWorker* m_sync;
    // Threads meet here: the UI thread's destructor sets m_stopping and signals m_childPid (set
    // and cleared by the export worker) so neither worker keeps the kiosk from shutting down.
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_childPid{0};
    TaskRunner m_syncWorker{2}; // last members: their threads stop before the rest goes
    TaskRunner m_exportWorker{2};
    TaskRunner m_deviceWorker{2};
};

} // namespace doorpost::kiosk::app
