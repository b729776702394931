// doorpost run: the kiosk UI. With a display it is the full-screen touch station; --headless
// draws off-screen (SDL offscreen driver, software renderer) for screenshots, scripts and CI.

#include "drivers/camera/frame_source.hpp"
#include "kiosk/app/camera_feed.hpp"
#include "kiosk/app/camera_setup.hpp"
#include "kiosk/app/gate_adapter.hpp"
#include "kiosk/app/kiosk_staff.hpp"
#include "kiosk/app/log_query.hpp"
#include "kiosk/app/staff_auth.hpp"
#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/ui/app.hpp"
#include "kiosk/ui/camera_hookup.hpp"
#include "kiosk/ui/scanner_hookup.hpp"
#include "storage/base/service_notify.hpp"
#include "storage/database.hpp"
#include "sync/client/sync_worker.hpp"
#include "sync/peer/mesh.hpp"
#include "sync/peer/peer_wire.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

namespace doorpost::kiosk::cli {
namespace {

struct RunOptions {
    bool headless = false;
    bool windowed = false;
    bool synthetic = false;
    std::string replayDir;
    std::string camera; // empty: staff's last choice (database meta), else auto
    int frames = 0;
    std::string screenshot;
    std::string scriptPath;
    std::string lang = "zh";
    std::string profile; // empty: the one --config selects, else exam
    std::string size = "1280x800";
    std::string staffPinHash;
    std::string demoPin;
    std::string auditorPinHash;
    std::string demoAuditorPin;
    std::string exportDir; // empty: the first writable removable-media mount
    bool noSound = false;
    bool noUsb = false;
    bool json = false;
    sync::client::SyncConfig sync; // centralUrl empty: no sync worker in this process
    // The doors of this site (docs/mesh.md): neither given, no mesh in this process.
    std::string meshListen;             // HOST:PORT the peer server binds
    std::vector<std::string> meshPeers; // DEVICE=HOST:PORT, overriding the site set's address
};

// The mesh node when --mesh-listen or --mesh-peer is given; nullptr otherwise. Malformed values
// are bad input (exit 2) before anything starts.
Result<std::unique_ptr<sync::peer::Mesh>> makeMesh(const RunOptions& options,
                                                   const std::string& dbPath) {
    if (options.meshListen.empty() && options.meshPeers.empty()) {
        return std::unique_ptr<sync::peer::Mesh>();
    }
    sync::peer::MeshOptions mesh;
    mesh.dbPath = dbPath;
    mesh.listen = options.meshListen;
    if (!mesh.listen.empty()) {
        if (auto address = sync::peer::parseHostPort(mesh.listen); !address) {
            return badInput("--mesh-listen: " + address.error().message);
        }
    }
    for (const std::string& text : options.meshPeers) {
        auto peer = sync::peer::parseMeshPeer(text);
        if (!peer) {
            return peer.error();
        }
        mesh.peerAddresses[peer->first] = peer->second;
    }
    return std::make_unique<sync::peer::Mesh>(std::move(mesh));
}

Result<std::string> readFile(const std::string& path, const char* field) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return badInput(std::string(field) + ": cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The camera this run opens: --camera, --synthetic or --replay as given; else the one staff
// chose last (kept in the database), else the first camera found.
Result<std::string> chooseCamera(const RunOptions& options, const GlobalOptions& global) {
    if (options.synthetic) {
        return std::string("synthetic");
    }
    if (!options.replayDir.empty()) {
        return "replay:" + options.replayDir;
    }
    if (!options.camera.empty()) {
        return options.camera;
    }
    std::error_code missing;
    if (std::filesystem::exists(global.dbPath, missing)) {
        auto db = storage::Database::open(global.dbPath);
        if (db.ok()) {
            auto kept = db.value().meta(app::kCameraChoiceKey);
            if (kept.ok() && kept.value() && app::parseCameraSpec(*kept.value()).ok()) {
                return *kept.value();
            }
        }
    }
    return std::string("auto");
}

int runKiosk(const RunOptions& options, const GlobalOptions& global) {
    ui::AppConfig config;
    config.headless = options.headless;
    config.fullscreen = !options.windowed;
    config.frames = options.frames;
    config.screenshotPath = options.screenshot;
    config.lang = options.lang == "en" ? ui::Lang::En : ui::Lang::Zh;
    config.sound = !options.noSound;
    if (std::sscanf(options.size.c_str(), "%dx%d", &config.width, &config.height) != 2 ||
        config.width < 640 || config.height < 400 || config.width > 7680 || config.height > 4320) {
        return fail(badInput("--size: expected WIDTHxHEIGHT, at least 640x400"));
    }
    if (!options.scriptPath.empty()) {
        auto text = readFile(options.scriptPath, "--script");
        if (!text.ok()) {
            return fail(text.error());
        }
        config.scriptText = std::move(text.value());
    }
    config.staffPinHash = options.staffPinHash;
    if (config.staffPinHash.empty()) {
        if (const char* env = std::getenv("DOORPOST_STAFF_PIN_HASH"); env != nullptr) {
            config.staffPinHash = env;
        }
    }
    if (config.staffPinHash.empty() && !options.demoPin.empty()) {
        auto hash = app::StaffAuth::hashPin(options.demoPin);
        if (!hash.ok()) {
            return fail(Error{ErrorKind::BadInput, "--demo-pin: " + hash.error().message});
        }
        config.staffPinHash = std::move(hash.value());
    }

    config.auditorPinHash = options.auditorPinHash;
    if (config.auditorPinHash.empty()) {
        if (const char* env = std::getenv("DOORPOST_AUDITOR_PIN_HASH"); env != nullptr) {
            config.auditorPinHash = env;
        }
    }
    if (config.auditorPinHash.empty() && !options.demoAuditorPin.empty()) {
        auto hash = app::StaffAuth::hashPin(options.demoAuditorPin);
        if (!hash.ok()) {
            return fail(Error{ErrorKind::BadInput, "--demo-auditor-pin: " + hash.error().message});
        }
        config.auditorPinHash = std::move(hash.value());
    }

    if (options.synthetic && !options.replayDir.empty()) {
        return fail(badInput("--replay: give either --replay DIR or --synthetic, not both"));
    }
    if (!options.camera.empty() && (options.synthetic || !options.replayDir.empty())) {
        return fail(badInput("--camera: give either --camera or --synthetic/--replay, not both"));
    }
    auto cameraSpec = chooseCamera(options, global);
    if (!cameraSpec.ok()) {
        return fail(cameraSpec.error());
    }
    auto cameraChoice = app::parseCameraSpec(cameraSpec.value());
    if (!cameraChoice.ok()) {
        return fail(cameraChoice.error());
    }
    auto cameraSource = app::makeFrameSource(cameraChoice.value());
    if (!cameraSource.ok()) {
        return fail(cameraSource.error());
    }
    std::unique_ptr<drivers::camera::FrameSource> camera = std::move(cameraSource.value());
    config.cameraChoice = cameraSpec.value();
    config.cameraChoices = app::cameraChoices(config.cameraChoice);

    config.centralAddress = options.sync.centralUrl;

    // Composition: sync (when a central is named) on its own thread and connection; the event
    // log answers counters, statistics, roster and the chips' status on another, reading the
    // sync worker's state there; the gate on a third.
    std::unique_ptr<sync::client::SyncWorker> syncWorker;
    if (!options.sync.centralUrl.empty()) {
        if (options.sync.token.empty()) {
            return fail(badInput("--token: required with --central (or $DOORPOST_SYNC_TOKEN)"));
        }
        if (auto allowed =
                sync::client::checkCentralUrl(options.sync.centralUrl, options.sync.allowPlainHttp);
            !allowed) {
            return fail(allowed.error());
        }
        sync::client::SyncConfig syncConfig = options.sync;
        syncConfig.userAgent = "doorpost/" + global.version;
        syncWorker = std::make_unique<sync::client::SyncWorker>(global.dbPath, syncConfig);
    }
    // The mesh (when asked for): its server and pullers on their own threads and connections;
    // the log query reads its status for the peers chip.
    auto mesh = makeMesh(options, global.dbPath);
    if (!mesh) {
        return fail(mesh.error());
    }
    app::LogQuery query(global.dbPath, syncWorker.get(), mesh->get());
    // The gate (verify, decide, commit, then answer) runs on its own thread on its own connection.
    auto gateConfig = loadGateConfig(global, options.profile);
    if (!gateConfig.ok()) {
        return fail(gateConfig.error());
    }
    config.examSite = gateConfig.value().profile.rosterRequired; // the gate's profile is the UI's
    config.trustWarnSeconds = gateConfig.value().profile.trustWarnSeconds;
    config.manualReasons.assign(gateConfig.value().profile.manualReasons.begin(),
                                gateConfig.value().profile.manualReasons.end());
    app::GateAdapter gate(global.dbPath, gateConfig.value());
    // Staff actions: sync now nudges the worker above; export runs `doorpost export` as a child
    // of this very binary, on the staff port's own threads.
    app::KioskStaffConfig staffConfig;
    staffConfig.dbPath = global.dbPath;
    staffConfig.exportDir = options.exportDir;
    // Staff's camera choice reaches the feed through this holder. Threads meet here: the staff
    // device thread switches under the mutex; the holder is emptied (under it too) before the
    // feed is destroyed, so a late switch finds no feed instead of a freed one.
    struct FeedHolder {
        std::mutex mutex;
        app::CameraFeed* feed = nullptr;
    };
    auto holder = std::make_shared<FeedHolder>();
    staffConfig.switchCamera = [holder](const std::string& spec) -> Result<void> {
        auto choice = app::parseCameraSpec(spec);
        if (!choice.ok()) {
            return choice.error();
        }
        auto source = app::makeFrameSource(choice.value());
        if (!source.ok()) {
            return source.error();
        }
        std::lock_guard lock(holder->mutex);
        if (holder->feed == nullptr) {
            return environmentFault("the camera feed has stopped");
        }
        holder->feed->switchTo(std::move(source.value()));
        return {};
    };
    app::KioskStaff staff(std::move(staffConfig), syncWorker.get());
    ui::UiPorts ports;
    ports.query = &query;
    ports.gate = &gate;
    ports.staff = &staff;

    // Under doorpost-kiosk.service (Type=notify): READY=1 once the UI loop has drawn its first
    // frame, then WATCHDOG=1 from that loop, which turns at least that often even when idle.
    auto notifier = std::make_shared<ServiceNotifier>(ServiceNotifier::fromEnvironment());
    config.wakeEveryMs = static_cast<int>(notifier->watchdogEvery().count());
    config.onLoopTurn = [notifier] {
        notifier->ready();
        notifier->alive();
    };
    ui::App app(std::move(config), ports);
    // Declared after the app: the feed's thread posts to the app's queue, so it stops first.
    std::unique_ptr<app::CameraFeed> feed = ui::makeCameraFeed(app, ports.gate, std::move(camera));
    struct Unhold {
        FeedHolder& holder;
        ~Unhold() {
            std::lock_guard lock(holder.mutex);
            holder.feed = nullptr;
        }
    } unhold{*holder}; // destroyed before the feed
    {
        std::lock_guard lock(holder->mutex);
        holder->feed = feed.get();
    }
    if (auto started = app.start(); !started.ok()) {
        return fail(started.error());
    }
    if (auto started = feed->start(); !started.ok()) {
        return fail(started.error());
    }
    std::unique_ptr<app::ScannerService> scanners;
    if (!options.noUsb) {
        scanners = ui::makeScannerService(app, ports.gate, cameraSpec.value());
        if (auto watching = scanners->start(); !watching.ok()) {
            // No USB watching here (no /dev/bus/usb, no permission): wedge scanners still type.
            std::cerr << "doorpost: " << watching.error().message << '\n';
            scanners.reset();
        }
    }
    if (syncWorker) {
        syncWorker->start();
    }
    if (*mesh) {
        // A door whose peer port is taken still decides alone: the fault is logged and the
        // chip stays away (the node reports itself not running); it never keeps the door shut.
        if (auto started = (*mesh)->start(); !started) {
            std::cerr << "doorpost: " << started.error().message
                      << "; the door runs without its peers\n";
        }
    }
    auto result = app.run();
    notifier->stopping();
    if (!result.ok()) {
        return fail(result.error());
    }
    if (options.json) {
        nlohmann::json line = app.state();
        line["video_driver"] = app.videoDriver();
        if (!options.screenshot.empty()) {
            line["screenshot"] = options.screenshot;
        }
        printJsonLine(line);
    }
    if (result.value() != 0) {
        std::cerr << "doorpost: " << app.failure() << '\n';
        return kExitNegative;
    }
    return kExitOk;
}

} // namespace

void registerRunCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<RunOptions>();
    CLI::App* run = app.add_subcommand("run", "The kiosk: full-screen touch UI (or --headless)");
    run->add_flag("--headless", options->headless, "Draw off-screen (no display needed)");
    run->add_flag("--windowed", options->windowed, "A window instead of full screen");
    run->add_option("--camera", options->camera,
                    "auto, /dev/videoN, by-id:NAME, bus:INFO, synthetic or replay:DIR (default: "
                    "staff's last choice, else auto)");
    run->add_flag("--synthetic", options->synthetic, "Synthetic camera (rendered codes)");
    run->add_option("--replay", options->replayDir,
                    "Replay camera: a folder of images or a Y4M file");
    run->add_option("--frames", options->frames, "Headless: frames to draw")
        ->check(CLI::Range(1, 100000));
    run->add_option("--screenshot", options->screenshot, "Write the last frame as PNG");
    run->add_option("--script", options->scriptPath, "UI script: taps, waits, screenshots, checks");
    run->add_option("--lang", options->lang, "zh or en")->check(CLI::IsMember({"zh", "en"}));
    run->add_option("--profile", options->profile,
                    "Site profile: exam, transit or a [profiles.NAME] of --config (default: the "
                    "one --config selects, else exam)");
    run->add_option("--size", options->size, "Window size WIDTHxHEIGHT")->capture_default_str();
    run->add_option("--staff-pin-hash", options->staffPinHash,
                    "argon2id hash of the staff PIN (or $DOORPOST_STAFF_PIN_HASH)");
    run->add_option("--demo-pin", options->demoPin, "Demo only: a staff PIN hashed at start");
    run->add_option("--export-dir", options->exportDir,
                    "Staff 'Export for auditors' writes here (default: the first writable "
                    "mount under /media/*/* or /run/media/*/*)");
    run->add_option("--auditor-pin-hash", options->auditorPinHash,
                    "argon2id hash of the auditor's PIN: opens Export for auditors only "
                    "(or $DOORPOST_AUDITOR_PIN_HASH)");
    run->add_option("--demo-auditor-pin", options->demoAuditorPin,
                    "Demo only: an auditor PIN hashed at start");
    run->add_flag("--no-sound", options->noSound, "No verdict tones");
    run->add_flag("--no-usb", options->noUsb,
                  "Do not watch USB for HID POS scanners (keyboard-wedge scanners still work)");
    run->add_option("--central", options->sync.centralUrl,
                    "Central URL: sync runs in the kiosk and feeds the central chip");
    run->add_option("--token", options->sync.token, "Device bearer token (with --central)")
        ->envname("DOORPOST_SYNC_TOKEN");
    run->add_option("--ca", options->sync.caFile,
                    "PEM bundle that signs the central's certificate");
    run->add_flag("--allow-plain-http", options->sync.allowPlainHttp,
                  "Allow an http:// central beyond loopback (the token travels in clear)");
    run->add_option("--mesh-listen", options->meshListen,
                    "HOST:PORT where this door serves its admissions to the doors of its site "
                    "(docs/mesh.md)");
    run->add_option("--mesh-peer", options->meshPeers,
                    "DEVICE=HOST:PORT of a door of this site, where the central publishes no "
                    "address (repeatable, or comma-separated)")
        ->delimiter(',');
    run->add_flag("--json", options->json, "Print the final UI state as one JSON line");
    run->callback([options, &context] { context.exitCode = runKiosk(*options, context.global); });
}

} // namespace doorpost::kiosk::cli
