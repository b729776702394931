#pragma once
// Runs the kiosk headless in-process with a script, the way `doorpost run --headless --script`
// does, for tests that use the fake ports.

#include "fake_ports.hpp"
#include "kiosk/app/staff_auth.hpp"
#include "kiosk/ui/app.hpp"

#include <filesystem>
#include <string>

namespace doorpost::kiosk::ui::test {

// Where the screenshot tests write: build/ui-screenshots/<name> (printed by the tests).
inline std::filesystem::path screenshotDir(const std::string& name) {
    const auto dir =
        std::filesystem::path(DOORPOST_BIN_DIR).parent_path() / "ui-screenshots" / name;
    std::filesystem::create_directories(dir);
    return dir;
}

inline const std::string& demoPinHash() {
    static const std::string hash = app::StaffAuth::hashPin("2468").value();
    return hash;
}

struct ScriptRun {
    int exitCode = -1;
    std::string failure;
};

inline ScriptRun runScript(const std::string& script, UiPorts ports, Lang lang = Lang::Zh,
                           app::CameraControl* camera = nullptr) {
    AppConfig config;
    config.headless = true;
    config.sound = true; // SDL's dummy audio driver: the tone path runs, silently
    config.scriptText = script;
    config.lang = lang;
    config.staffPinHash = demoPinHash();
    config.cameraChoices = {"synthetic", "replay", "/dev/video0"};
    config.cameraChoice = "synthetic";
    App app(config, ports, camera);
    ScriptRun run;
    if (auto started = app.start(); !started.ok()) {
        run.failure = started.error().message;
        return run;
    }
    auto result = app.run();
    run.exitCode = result.ok() ? result.value() : -1;
    run.failure = result.ok() ? app.failure() : result.error().message;
    return run;
}

} // namespace doorpost::kiosk::ui::test
