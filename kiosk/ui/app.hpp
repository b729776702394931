#pragma once
// App: the kiosk's UI loop and composition of the screens. It owns the window, the renderer, the
// ImGui context and the UI thread's model; everything else reaches it through the ports (which
// it calls) and the UiQueue (which other threads post to). No SDL type appears in this header.

#include "kiosk/app/ports.hpp"
#include "kiosk/ui/strings.hpp"
#include "kiosk/ui/ui_context.hpp"
#include "storage/base/result.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace doorpost::kiosk::ui {

struct AppConfig {
    bool headless = false; // SDL offscreen driver + software renderer, nothing on screen
    int width = 1280;
    int height = 800;
    bool fullscreen = true;     // with a display: borderless full screen
    int frames = 0;             // headless without a script: frames to draw (0: 3)
    std::string screenshotPath; // written from the last frame drawn
    std::string scriptText;     // a UI script (see script.hpp); empty: none
    bool waitForEvents = true;  // idle between changes (off: draw every frame, for benchmarks)
    Lang lang = Lang::Zh;
    bool examSite = true;
    std::int64_t trustWarnSeconds = 24 * 3600; // the site profile's: amber, then red, trust chip
    int statusEveryMs = 10'000;                // how often the chips' data is read again
    std::vector<std::string> manualReasons;    // the profile's reason codes; empty: all buttons
    std::string staffPinHash;   // argon2id (crypto_pwhash_str); empty: staff screen stays shut
    std::string auditorPinHash; // argon2id; opens the staff screen for Export only; empty: none
    std::string operatorName = "door";
    std::vector<std::string> cameraChoices;
    std::string cameraChoice;
    std::string centralAddress; // shown on the staff screen; set at start (run --central)
    bool sound = true;
    // Called on the UI thread at the end of every turn of the loop, after the turn's frame (if
    // any) is drawn: the service manager's READY=1 and watchdog (kiosk/cli/cmd_run.cpp).
    std::function<void()> onLoopTurn;
    int wakeEveryMs = 0; // > 0: an idle loop still turns this often (the watchdog's pace)
    // Benchmarks: called on the UI thread right after the first frame showing a verdict has
    // been presented, with that verdict and the time it was presented.
    std::function<void(const app::VerdictView&, std::chrono::steady_clock::time_point)>
        onVerdictDrawn;
};

struct FrameStats {
    // Per drawn frame, from taking the queue's posts to the end of presenting (wall).
    std::vector<double> frameMs;
    std::vector<double> frameCpuMs; // the same span in this thread's CPU time (load-independent)
    int framesDrawn = 0;
    // How long each frame held for glyphs of new texts (a name) waited for them (wall).
    std::vector<double> glyphWaitMs;
};

class App {
public:
    App(AppConfig config, UiPorts ports, app::CameraControl* camera = nullptr);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Before start(): what scripts' `camera plug|unplug` act on.
    void setCameraControl(app::CameraControl* camera);

    // Opens SDL (video, and audio when sound is on), the window and renderer, ImGui and fonts.
    // An environment fault when there is no display (then run with headless = true).
    Result<void> start();

    // The queue other threads post to. Valid from construction; wire producers before run().
    UiQueue& queue();
    // The same queue, for producers whose callbacks may outlive the app (see UiContext::onUi).
    std::shared_ptr<UiQueue> sharedQueue();

    // Runs until shut down, the frames are drawn or the script has finished. Returns 0, or 1 when
    // a script expectation failed (the reason is in `failure()`).
    Result<int> run();
    const std::string& failure() const;

    // Benchmarks: draw `count` frames back to back regardless of changes, timing each.
    FrameStats drawFrames(int count);
    // Benchmarks: run the normal loop (idling between changes) for `ms` milliseconds.
    FrameStats idleFor(int ms);

    nlohmann::json state();
    std::string fontWarning() const;
    // Hanzi (any code points) asked of the glyph rasterizer whose glyphs are not in the atlas yet.
    int glyphsPending() const;
    std::string videoDriver() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace doorpost::kiosk::ui
