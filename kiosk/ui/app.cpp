#include "kiosk/ui/app.hpp"

#include "kiosk/app/clock_step_watcher.hpp"
#include "kiosk/app/staff_auth.hpp"
#include "kiosk/ui/door_screen.hpp"
#include "kiosk/ui/draw_sdl.hpp"
#include "kiosk/ui/glyph_rasterizer.hpp"
#include "kiosk/ui/manual_screen.hpp"
#include "kiosk/ui/pin_screen.hpp"
#include "kiosk/ui/roster_screen.hpp"
#include "kiosk/ui/screenshot.hpp"
#include "kiosk/ui/script.hpp"
#include "kiosk/ui/staff_screen.hpp"
#include "kiosk/ui/stats_screen.hpp"
#include "kiosk/ui/tones.hpp"
#include "kiosk/ui/wedge_input.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/clock_evidence.hpp"

#include <SDL.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <iostream>
#include <optional>
#include <thread>

namespace doorpost::kiosk::ui {
namespace {

using Clock = std::chrono::steady_clock;

// The longest a frame waits for glyphs of texts that just arrived (see App::Impl::glyphHold).
constexpr auto kGlyphHold = std::chrono::milliseconds(250);

// The verdict in the state's JSON: storage/base's name, "none" while nothing is shown.
std::string verdictName(const std::optional<ShownVerdict>& verdict) {
    if (!verdict || verdict->view.kind == Verdict::None) {
        return "none";
    }
    return std::string(toString(verdict->view.kind));
}

const char* trustName(TrustState state) {
    switch (state) {
    case TrustState::Unknown:
        return "unknown";
    case TrustState::Fresh:
        return "fresh";
    case TrustState::Stale:
        return "stale";
    case TrustState::Expired:
        return "expired";
    }
    return "unknown";
}

std::int64_t wallNow() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

} // namespace

struct App::Impl final : ScriptHost {
    AppConfig config;
    UiPorts ports;
    app::CameraControl* camera = nullptr;

    // Shared: a port may answer after the app is gone (a gate still finishing a request); its
    // callback then posts into a queue nobody drains, instead of into freed memory.
    std::shared_ptr<UiQueue> sharedQueue = std::make_shared<UiQueue>();
    UiQueue& queue = *sharedQueue;
    UiModel model;
    Fonts fonts;
    // Draws the glyphs of names and reasons the atlas lacks, off this thread (see fonts.hpp).
    std::unique_ptr<GlyphRasterizer> rasterizer;
    std::unique_ptr<app::ClockStepWatcher> clockSteps; // null: only the per-frame check
    std::vector<std::uint32_t> atlasPixels;            // scratch for uploading part of the atlas
    WidgetRegistry widgets;
    Tones tones;
    app::StaffAuth auth;
    WedgeInput wedgeKeys; // UI thread only

    DoorScreen door;
    ManualScreen manual;
    PinScreen pin;
    StaffScreen staff;
    RosterScreen roster;
    StatsScreen stats;

    SDL_Window* window = nullptr;
    SDL_Renderer* renderer = nullptr;
    SDL_Surface* target = nullptr; // headless: what the software renderer draws into
    SDL_Texture* previewTexture = nullptr;
    int previewWidth = 0;
    int previewHeight = 0;
    std::uint64_t previewGeneration = 0;
    bool sdlStarted = false;
    bool imguiStarted = false;
    std::uint32_t wakeEvent = 0;
    bool offscreen = false;

    std::optional<ScriptRunner> script;
    PointerInjection pointer;
    std::string failure;
    int dirtyFrames = 3; // frames still to draw because something changed
    std::optional<ScreenId> lastScreen;
    bool countersInFlight = false;
    bool statusInFlight = false;
    Clock::time_point nextStatus{};
    std::int64_t lastMinuteDrawn = 0;
    // CLOCK_REALTIME - CLOCK_BOOTTIME at the last frame: it moves only when the system clock is
    // stepped (docs/clock.md), and then the clock is judged again at once.
    std::optional<std::int64_t> lastClockDrift;
    FrameStats* recording = nullptr;
    int framesDrawn = 0;
    std::optional<Clock::time_point> frameStarted; // the first turn of the frame to be drawn
    double frameCpuMs = 0;                         // this thread's CPU in that frame's held turns
    std::optional<Clock::time_point> glyphHoldStarted; // new texts' glyphs asked for, not in yet
    int waitCapMs = 60'000;
    int lastVertices = 0;
    std::int64_t lastVerdictDrawn = 0; // onVerdictDrawn: the last verdict reported
    Clock::time_point lastDrawn{};     // when the last frame was drawn

    Impl(AppConfig c, UiPorts p, app::CameraControl* cam)
        : config(std::move(c)), ports(p), camera(cam),
          auth(config.staffPinHash, config.auditorPinHash) {
        model.lang = config.lang;
        model.examSite = config.examSite;
        model.trustWarnSeconds = config.trustWarnSeconds;
        model.manualReasons = config.manualReasons;
        model.operatorName = config.operatorName;
        model.cameraChoices = config.cameraChoices;
        model.cameraChoice = config.cameraChoice;
        model.centralAddress = config.centralAddress;
        model.gateAvailable = ports.gate != nullptr;
    }

    ~Impl() override {
        queue.setWaker(nullptr); // late posts (a gate finishing after us) must not touch SDL
        clockSteps.reset();
        rasterizer.reset();
        if (previewTexture != nullptr) {
            SDL_DestroyTexture(previewTexture);
        }
        if (imguiStarted) {
            ImGui_ImplSDLRenderer_Shutdown();
            ImGui_ImplSDL2_Shutdown();
            ImGui::DestroyContext();
        }
        if (renderer != nullptr) {
            SDL_DestroyRenderer(renderer);
        }
        if (target != nullptr) {
            SDL_FreeSurface(target);
        }
        if (window != nullptr) {
            SDL_DestroyWindow(window);
        }
        if (sdlStarted) {
            SDL_Quit();
        }
    }

    Screen& screen(ScreenId id) {
        switch (id) {
        case ScreenId::Door:
            return door;
        case ScreenId::Manual:
            return manual;
        case ScreenId::Pin:
            return pin;
        case ScreenId::Staff:
            return staff;
        case ScreenId::Roster:
            return roster;
        case ScreenId::Stats:
            return stats;
        }
        return door;
    }

    float scale() const {
        return std::min(static_cast<float>(config.width) / 1280.0f,
                        static_cast<float>(config.height) / 800.0f);
    }

    Result<void> start() {
        if (config.headless) {
            // The offscreen driver and the software renderer draw and read back pixels with no
            // display at all; audio goes to the dummy driver unless the caller chose one.
            SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
            SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
            SDL_SetHint(SDL_HINT_AUDIODRIVER, "dummy");
        }
        SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1"); // fingers arrive as a left button
        SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
        if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
            return environmentFault(std::string("no display (try --headless): ") + SDL_GetError());
        }
        sdlStarted = true;
        offscreen = std::string(SDL_GetCurrentVideoDriver()) == "offscreen";
        Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
        if (!config.headless && config.fullscreen) {
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        }
        window = SDL_CreateWindow("Doorpost", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                  config.width, config.height, flags);
        if (window == nullptr) {
            return environmentFault(std::string("cannot open a window: ") + SDL_GetError());
        }
        if (config.headless) {
            // Headless draws into our own surface with the software renderer: no window
            // framebuffer to present (the offscreen driver would copy each frame through EGL).
            target = SDL_CreateRGBSurfaceWithFormat(0, config.width, config.height, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
            if (target == nullptr) {
                return environmentFault(std::string("no frame surface: ") + SDL_GetError());
            }
            renderer = SDL_CreateSoftwareRenderer(target);
        } else {
            renderer = SDL_CreateRenderer(window, -1, 0);
        }
        if (renderer == nullptr && !config.headless) {
            renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
        }
        if (renderer == nullptr) {
            return environmentFault(std::string("no renderer: ") + SDL_GetError());
        }
        SDL_GetRendererOutputSize(renderer, &config.width, &config.height);
        wakeEvent = SDL_RegisterEvents(1);
        // Posters on other threads wake an idle loop: SDL_PushEvent is thread-safe.
        queue.setWaker([type = wakeEvent] {
            SDL_Event event{};
            event.type = type;
            SDL_PushEvent(&event);
        });
        SDL_StopTextInput(); // on only while a text field has focus: scanner keys go to the gate

        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        imguiStarted = true;
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr; // a kiosk keeps no window layout between runs
        ImGui::StyleColorsDark();
        ImGuiStyle& style = ImGui::GetStyle();
        style.TouchExtraPadding = ImVec2(4.0f, 4.0f);
        // No anti-aliased fringes: on the software renderer they double the triangles for no
        // visible gain at kiosk sizes.
        style.AntiAliasedFill = false;
        style.AntiAliasedLines = false;
        style.AntiAliasedLinesUseTex = false;
        style.ScrollbarSize = 36.0f * scale();
        ImGui_ImplSDL2_InitForSDLRenderer(window);
        ImGui_ImplSDLRenderer_Init(renderer);
        fonts.build(scale());
        if (!fonts.warning().empty()) {
            std::cerr << "doorpost: " << fonts.warning() << '\n';
        }
        ImGui_ImplSDLRenderer_CreateFontsTexture();
        fonts.releaseTextureCopy();
        if (fonts.fontData()) {
            // The rasterizer's thread hands each batch to the UI thread through the queue.
            rasterizer = std::make_unique<GlyphRasterizer>(
                fonts.fontData(), fonts.faceIndex(), fonts.dynamicSizes(),
                [q = sharedQueue](std::shared_ptr<const GlyphBatch> batch) {
                    q->post([batch = std::move(batch)](UiModel& m) {
                        m.glyphBatches.push_back(batch);
                    });
                });
        }
        // A step of the system clock, the moment it happens: the watcher's thread posts, which
        // wakes the loop even while the door sleeps until the next minute.
        auto watcher = app::ClockStepWatcher::start(
            [q = sharedQueue] { q->post([](UiModel& m) { m.clockStepped = true; }); });
        if (watcher.ok()) {
            clockSteps = std::move(watcher.value());
        }
        if (config.sound && !tones.open()) {
            std::cerr << "doorpost: " << tones.error() << " (continuing without sound)\n";
        }
        if (!config.scriptText.empty()) {
            auto steps = parseScript(config.scriptText);
            if (!steps.ok()) {
                return steps.error();
            }
            script.emplace(std::move(steps.value()));
        }
        return {};
    }

    // ---- ScriptHost ----
    std::optional<WidgetRect> widget(std::string_view name) override {
        auto rect = widgets.find(name);
        if (rect) {
            // A widget laid out beyond the screen cannot be touched: a script must not either.
            const ImVec2 c = rect->centre();
            rect->enabled = rect->enabled && c.x >= 0 && c.y >= 0 &&
                            c.x < static_cast<float>(config.width) &&
                            c.y < static_cast<float>(config.height);
        }
        return rect;
    }

    nlohmann::json state() override {
        nlohmann::json s;
        s["screen"] = screenName(model.screen);
        s["lang"] = model.lang == Lang::Zh ? "zh" : "en";
        s["camera"] = app::deviceStateName(model.camera.state);
        s["scanner"] = app::deviceStateName(model.scanner.state);
        s["camera_detail"] = model.camera.detail;
        s["camera_hints"] = model.camera.hints;
        s["scanner_detail"] = model.scanner.detail;
        s["camera_choice"] = model.cameraChoice;
        s["camera_choices"] = model.cameraChoices;
        s["scanner_choices"] = model.scannerChoices;
        s["preview_outlined"] = model.preview && model.preview->outline.size() == 8;
        s["central"] = !model.central.known   ? "unknown"
                       : model.central.online ? "online"
                                              : "offline";
        s["trust"] = trustName(model.trust.state);
        s["events_waiting"] = model.central.eventsWaiting;
        if (model.peers.shown) {
            s["peers_known"] = model.peers.known;
            s["peers_reachable"] = model.peers.reachable;
            s["peers_age_s"] = model.peers.oldestAgeSeconds;
        }
        s["roster"] = !model.rosterChip.known    ? "unknown"
                      : !model.rosterChip.loaded ? "none"
                      : model.rosterChip.expired ? "expired"
                                                 : "ok";
        s["roster_count"] = model.rosterChip.count;
        s["clock"] = model.clock.known ? model.clock.state : "unknown";
        s["clock_offset_ms"] = model.clock.offsetMs;
        s["clock_chip_red"] = model.clock.known && model.clock.state != "ok";
        s["clock_floor"] = model.clock.floor; // the estimate is only "not earlier than"
        s["clock_estimate"] = model.clock.known ? formatIsoTime(model.clock.estimateUnix) : "";
        s["seal_key"] = !model.sealKeyKnown ? "unknown" : model.sealKey ? "yes" : "no";
        s["verdict"] = verdictName(model.verdict);
        s["verdict_seq"] = model.verdict ? model.verdict->view.seq : 0;
        s["verdict_reasons"] =
            model.verdict ? model.verdict->view.reasonCodes : std::vector<std::string>{};
        s["gate_busy"] = model.gateBusy;
        s["gate_error"] = model.gateError;
        s["query_error"] =
            !model.countersReadError.empty() ? model.countersReadError : model.statusReadError;
        s["counts_not_read"] = !model.countersReadError.empty() || !model.statusReadError.empty();
        s["read_fault"] = faultName(model.readFault);
        s["manual_fault"] = faultName(model.manualFault);
        s["taps"] = model.taps;
        s["tones"] = tones.played();
        s["admitted"] = model.today.admitted;
        s["denied"] = model.today.denied;
        s["referred"] = model.today.referred;
        s["manual"] = model.today.manual;
        s["staff_unlocked"] = model.staffUnlocked;
        s["staff_role"] = !model.staffUnlocked ? "none" : model.auditorOnly ? "auditor" : "staff";
        s["staff_result"] = model.staffBusy             ? "busy"
                            : !model.staffNotice        ? "none"
                            : model.staffNotice->failed ? "error"
                                                        : "ok";
        s["staff_toast"] = staffToastText(model);
        s["preview_frames"] = model.preview ? model.preview->generation : 0;
        s["min_touch_px"] = static_cast<int>(widgets.smallestTouchTarget());
        s["glyphs"] = fonts.glyphCount();
        s["glyphs_pending"] = fonts.pendingCount();
        s["vertices"] = lastVertices;
        screen(model.screen).describe(s);
        return s;
    }

    Result<void> screenshot(const std::string& path) override {
        return captureScreenshot(renderer, path);
    }

    void setLang(Lang lang) override {
        model.lang = lang;
        dirtyFrames = std::max(dirtyFrames, 2);
    }

    Result<void> plugCamera(bool plugged) override {
        if (camera == nullptr) {
            return badInput("camera: this source cannot be unplugged from a script");
        }
        return camera->setPlugged(plugged);
    }

    Result<void> scan(const std::string& text) override {
        if (ports.gate == nullptr) {
            return environmentFault("scan: no gate");
        }
        submitRead(app::CodeRead{text, app::ReadSource::Script, {}});
        return {};
    }

    // UI thread: a read from a scanner or a script goes to the gate; the verdict comes back
    // through the queue.
    void submitRead(app::CodeRead read) {
        beginGateRequest(model, GateRequest::Read);
        ports.gate->submitRead(std::move(read), [q = sharedQueue](Result<app::VerdictView> r) {
            q->post([r](UiModel& m) { applyVerdict(m, r, Clock::now()); });
        });
    }

    Result<void> wedge(const std::string& text) override {
        if (!pushWedgeKeys(text)) {
            return badInput("wedge: a US-layout scanner cannot type '" + text + "'");
        }
        return {};
    }

    // UI thread: a key event no text field wants may be part of a wedge scanner's burst.
    void wedgeKey(const SDL_KeyboardEvent& key) {
        if (ImGui::GetIO().WantTextInput) {
            return; // a field has focus: the keys are typing into it
        }
        auto text = wedgeKeys.key(key.keysym.scancode, key.type == SDL_KEYDOWN, key.repeat != 0,
                                  key.timestamp);
        if (!text) {
            return;
        }
        model.scanner.state = app::DeviceState::Ok;
        model.scanner.detail = "keyboard wedge";
        if (ports.gate != nullptr) {
            submitRead(app::CodeRead{std::move(*text), app::ReadSource::WedgeScanner, {}});
        }
    }

    void typeText(const std::string& text) override {
        ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    }
    void countTap() override { ++model.taps; }
    void print(const nlohmann::json& line) override {
        std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n'
                  << std::flush;
    }

    // ---- the loop ----

    // Everything that changes without input: timers, answers from other threads.
    void update(Clock::time_point now) {
        dirtyFrames = std::max(dirtyFrames, queue.drain(model));
        if (model.pendingTone) {
            if (config.sound) {
                tones.play(*model.pendingTone);
            }
            model.pendingTone.reset();
        }
        if (model.verdict && now - model.verdict->shownAt >= kVerdictShowTime) {
            model.verdict.reset(); // back to ready for the next person
            dirtyFrames = std::max(dirtyFrames, 2);
        }
        if (model.verdict || auth.lockout().locked(now)) {
            dirtyFrames = std::max(dirtyFrames, 1); // the countdowns move
        }
        // Two clock reads (vDSO, no system call): a step of the system clock (timesyncd,
        // chrony, a reset RTC) sends the status read, and so the clock chip, now. The kiosk
        // never steps the clock itself: the time service owns it.
        // The timerfd watcher (clock_step_watcher.hpp) tells at once, even while the loop sleeps;
        // this check remains for where it is unavailable.
        const std::int64_t drift = storage::realtimeMs() - storage::boottimeMs();
        if (model.clockStepped || (lastClockDrift && (drift - *lastClockDrift > 2000 ||
                                                      *lastClockDrift - drift > 2000))) {
            model.clockStepped = false;
            nextStatus = now;
            lastMinuteDrawn = 0;
        }
        lastClockDrift = drift;
        const std::int64_t minute = wallNow() / 60;
        if (minute != lastMinuteDrawn) {
            lastMinuteDrawn = minute; // the clock on the door screen, the chips' ages
            ageChips(model, wallNow());
            dirtyFrames = std::max(dirtyFrames, 1);
        }
        if ((now >= nextStatus || model.countersStale) && !statusInFlight &&
            ports.query != nullptr) {
            nextStatus = now + std::chrono::milliseconds(config.statusEveryMs);
            if (!model.countersReadError.empty()) {
                model.countersStale = true; // a failed read of the counters goes again now
            }
            statusInFlight = true;
            bool* inFlight = &statusInFlight;
            // Answered on the query thread (a refused request at once, on this thread); applied
            // on the UI thread through the queue either way.
            ports.query->kioskStatus([q = sharedQueue, inFlight](Result<app::KioskStatus> r) {
                q->post([inFlight, r](UiModel& m) {
                    *inFlight = false;
                    if (r.ok()) {
                        applyStatus(m, r.value(), wallNow());
                        m.statusReadError.clear();
                    } else {
                        m.statusReadError = r.error().message;
                    }
                });
            });
        }
        if (model.countersStale && !countersInFlight && ports.query != nullptr) {
            model.countersStale = false;
            countersInFlight = true;
            bool* inFlight = &countersInFlight;
            // Answered on the query thread; applied on the UI thread through the queue.
            ports.query->todayCounters([q = sharedQueue, inFlight](Result<app::TodayCounters> r) {
                q->post([inFlight, r](UiModel& m) {
                    *inFlight = false;
                    if (r.ok()) {
                        m.today = r.value();
                        m.todayKnown = true;
                        m.countersReadError.clear();
                    } else {
                        m.countersReadError = r.error().message;
                    }
                });
            });
        }
        updateGlyphs();
    }

    // Between frames: glyphs the rasterizer has drawn go into the atlas (a few rows of the
    // texture uploaded again), and the code points of new texts go to the rasterizer. A hanzi
    // shows as a blank of its width until its glyph is in, usually the next frame.
    void updateGlyphs() {
        AtlasUpdate changed;
        for (const std::shared_ptr<const GlyphBatch>& batch : model.glyphBatches) {
            changed.include(fonts.add(*batch));
        }
        if (!model.glyphBatches.empty()) {
            dirtyFrames = std::max(dirtyFrames, 1);
        }
        model.glyphBatches.clear();
        if (!model.verdict && fonts.roomIsLow()) {
            // Remaking the texture takes a few milliseconds: do it while no verdict is shown.
            changed.include(fonts.grow());
        }
        uploadAtlas(changed);
        std::vector<ImWchar> wanted;
        for (const std::string& text : model.newTexts) {
            const std::vector<ImWchar> more = fonts.newCodePoints(text);
            wanted.insert(wanted.end(), more.begin(), more.end());
        }
        model.newTexts.clear();
        if (rasterizer != nullptr && !wanted.empty()) {
            rasterizer->request(std::move(wanted));
            if (!glyphHoldStarted) {
                glyphHoldStarted = Clock::now();
            }
        }
    }

    void uploadAtlas(const AtlasUpdate& changed) {
        if (changed.resized) {
            // A taller atlas: a new texture made from all of it.
            ImGui_ImplSDLRenderer_DestroyFontsTexture();
            ImGui_ImplSDLRenderer_CreateFontsTexture();
            fonts.releaseTextureCopy();
        } else if (changed.width > 0) {
            fonts.rgba(changed, atlasPixels);
            const SDL_Rect area{changed.x, changed.y, changed.width, changed.height};
            SDL_UpdateTexture(static_cast<SDL_Texture*>(ImGui::GetIO().Fonts->TexID), &area,
                              atlasPixels.data(), changed.width * 4);
        }
    }

    void uploadPreview() {
        const auto& frame = model.preview;
        if (!frame || frame->generation == previewGeneration || frame->width <= 0 ||
            frame->height <= 0) {
            return;
        }
        previewGeneration = frame->generation;
        if (previewTexture == nullptr || previewWidth != frame->width ||
            previewHeight != frame->height) {
            if (previewTexture != nullptr) {
                SDL_DestroyTexture(previewTexture);
            }
            previewTexture =
                SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                  frame->width, frame->height);
            previewWidth = frame->width;
            previewHeight = frame->height;
        }
        if (previewTexture == nullptr) {
            return;
        }
        void* pixels = nullptr;
        int pitch = 0;
        if (SDL_LockTexture(previewTexture, nullptr, &pixels, &pitch) != 0) {
            return;
        }
        for (int y = 0; y < frame->height; ++y) {
            auto* row = reinterpret_cast<std::uint32_t*>(static_cast<std::uint8_t*>(pixels) +
                                                         static_cast<std::ptrdiff_t>(y) * pitch);
            const std::uint8_t* src =
                frame->luma.data() +
                static_cast<std::size_t>(y) * static_cast<std::size_t>(frame->width);
            for (int x = 0; x < frame->width; ++x) {
                const std::uint32_t v = src[x];
                row[x] = 0xFF000000u | (v << 16) | (v << 8) | v;
            }
        }
        SDL_UnlockTexture(previewTexture);
    }

    void drawFrame(Clock::time_point now) {
        lastDrawn = Clock::now();
        uploadPreview();
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui_ImplSDL2_NewFrame();
        ImGuiIO& io = ImGui::GetIO();
        if (pointer.active) {
            // A scripted finger replaces whatever the backend read from SDL this frame.
            io.MousePos =
                pointer.x < -1e8f ? ImVec2(-FLT_MAX, -FLT_MAX) : ImVec2(pointer.x, pointer.y);
            io.MouseDown[0] = pointer.down;
        }
        ImGui::NewFrame();
        widgets.beginFrame();
        const ScreenId current = model.screen;
        UiContext ctx{
            model,   queue, sharedQueue, ports,     fonts,
            widgets, auth,  now,         wallNow(), reinterpret_cast<ImTextureID>(previewTexture),
            scale()};
        if (lastScreen != current) {
            if (lastScreen == ScreenId::Staff && current != ScreenId::Staff) {
                model.staffUnlocked = false; // leaving staff settings locks them again
                model.auditorOnly = false;
            }
            lastScreen = current;
            screen(current).onEnter(ctx);
        }
        screen(current).draw(ctx);
        widgets.endFrame();
        ImGui::Render();
        lastVertices = ImGui::GetDrawData()->TotalVtxCount;
        SDL_SetRenderDrawColor(renderer, 0x14, 0x1A, 0x22, 0xFF);
        SDL_RenderClear(renderer);
        renderDrawData(renderer, ImGui::GetDrawData());
        if (script) {
            pointer = script->afterFrame(*this, Clock::now());
        }
        SDL_RenderPresent(renderer);
        if (config.onVerdictDrawn && model.verdict && model.verdict->view.seq != lastVerdictDrawn) {
            lastVerdictDrawn = model.verdict->view.seq;
            config.onVerdictDrawn(model.verdict->view, Clock::now());
        }
        if (model.screen != current) {
            dirtyFrames = std::max(dirtyFrames, 2);
        }
        if (io.WantTextInput != (SDL_IsTextInputActive() == SDL_TRUE)) {
            // The system input method only while a field has focus.
            if (io.WantTextInput) {
                SDL_StartTextInput();
            } else {
                SDL_StopTextInput();
            }
        }
    }

    // Milliseconds the loop may sleep before something on screen must change by itself.
    int idleTimeout(Clock::time_point now) const {
        if (dirtyFrames > 0) {
            return 0;
        }
        long long ms = 60'000 - (wallNow() % 60) * 1000; // the next minute for the clock
        if (model.verdict) {
            // The countdown bar moves ~10 times a second, and not at all when a camera preview
            // has just been drawn (the preview's redraws move it too): a kiosk is a small
            // fanless machine, and each frame of the software renderer costs ~10 ms of CPU.
            const long long sinceDrawn =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - lastDrawn).count();
            ms = std::min<long long>(ms, std::max<long long>(0, 100 - sinceDrawn));
        }
        if (auth.lockout().locked(now)) {
            ms = std::min<long long>(ms, 250);
        }
        if (auth.checking() || model.gateBusy) {
            ms = std::min<long long>(ms, 1000); // answers wake us through the queue anyway
        }
        if (ports.query != nullptr && !statusInFlight) {
            // The chips' next read (sync progress, trust and roster changes from a sync).
            ms = std::min<long long>(
                ms, std::max<long long>(
                        0, std::chrono::duration_cast<std::chrono::milliseconds>(nextStatus - now)
                               .count()));
        }
        if (config.wakeEveryMs > 0) {
            ms = std::min<long long>(ms, config.wakeEveryMs); // the watchdog's pace
        }
        return static_cast<int>(std::clamp<long long>(ms, 0, waitCapMs));
    }

    // Handles one SDL event; false on quit.
    bool handle(const SDL_Event& event) {
        ImGui_ImplSDL2_ProcessEvent(&event);
        switch (event.type) {
        case SDL_QUIT:
            return false;
        case SDL_MOUSEBUTTONDOWN:
            ++model.taps;
            dirtyFrames = std::max(dirtyFrames, 3);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            wedgeKey(event.key);
            dirtyFrames = std::max(dirtyFrames, 3);
            break;
        case SDL_MOUSEBUTTONUP:
        case SDL_MOUSEMOTION:
        case SDL_MOUSEWHEEL:
        case SDL_TEXTINPUT:
        case SDL_TEXTEDITING:
        case SDL_WINDOWEVENT:
            dirtyFrames = std::max(dirtyFrames, 3);
            break;
        default:
            break;
        }
        return true;
    }

    // One turn of the loop: wait (if idle), take input and posts, draw if anything changed.
    bool turn(bool wait) {
        const auto now = Clock::now();
        SDL_Event event;
        const int timeout = wait ? idleTimeout(now) : 0;
        if (timeout > 0 && offscreen) {
            queue.waitForPost(std::chrono::milliseconds(timeout)); // no input can come offscreen
        } else if (timeout > 0) {
            if (SDL_WaitEventTimeout(&event, timeout) == 1 && !handle(event)) {
                return false;
            }
        }
        while (SDL_PollEvent(&event) == 1) {
            if (!handle(event)) {
                return false;
            }
        }
        // A frame's cost starts here: taking what other threads posted and the font atlas's upkeep
        // are the UI thread's work for the frame as much as drawing it. A frame held for glyphs
        // counts from the first turn that held it.
        if (!frameStarted) {
            frameStarted = Clock::now();
            frameCpuMs = 0;
        }
        const double startedCpu = threadCpuMs();
        update(Clock::now());
        if (model.quitRequested) {
            return false;
        }
        if (const auto hold = glyphHold(Clock::now())) {
            frameCpuMs += threadCpuMs() - startedCpu;
            // Woken by the rasterizer's post (or anything else posted): no spinning meanwhile.
            queue.waitForPost(*hold);
            return true;
        }
        if (!wait || dirtyFrames > 0 || script) {
            drawFrame(Clock::now());
            dirtyFrames = std::max(0, dirtyFrames - 1);
            ++framesDrawn;
            if (recording != nullptr) {
                recording->frameMs.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - *frameStarted)
                        .count());
                recording->frameCpuMs.push_back(frameCpuMs + threadCpuMs() - startedCpu);
                ++recording->framesDrawn;
            }
        }
        if (config.onLoopTurn) {
            config.onLoopTurn();
        }
        frameStarted.reset();
        return true;
    }

    // How long the next frame may still wait for glyphs being drawn for texts that just arrived,
    // or nothing when it should be drawn now. Waiting a few milliseconds (the rasterizer's time
    // for a name) shows the verdict whole; a frame with a blank where the name goes, filled in
    // on the next, would be worse. kGlyphHold bounds it on a starved machine.
    std::optional<std::chrono::milliseconds> glyphHold(Clock::time_point now) {
        if (!glyphHoldStarted) {
            return std::nullopt;
        }
        const auto until = *glyphHoldStarted + kGlyphHold;
        if (fonts.pendingCount() == 0 || now >= until) {
            if (recording != nullptr) {
                recording->glyphWaitMs.push_back(
                    std::chrono::duration<double, std::milli>(now - *glyphHoldStarted).count());
            }
            glyphHoldStarted.reset();
            return std::nullopt;
        }
        return std::max(std::chrono::milliseconds(1),
                        std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
    }

    // Before a screenshot outside a script: let glyphs on their way arrive.
    void settleGlyphs() {
        update(Clock::now());
        while (const auto hold = glyphHold(Clock::now())) {
            queue.waitForPost(*hold);
            update(Clock::now());
        }
    }

    Result<int> run() {
        if (script) {
            const auto deadline = Clock::now() + std::chrono::minutes(5); // a stuck script ends
            while (!script->finished() && Clock::now() < deadline) {
                if (!turn(false)) {
                    break;
                }
                if (script->waiting()) {
                    // Another thread or the clock is being waited for: do not spin a core.
                    std::this_thread::sleep_for(std::chrono::milliseconds(4));
                }
            }
            if (!script->finished()) {
                failure = "script did not finish within 5 minutes";
            } else if (script->failed()) {
                failure = script->failure();
            }
        } else if (config.headless && !config.waitForEvents) {
            const int frames = config.frames > 0 ? config.frames : 3;
            while (framesDrawn < frames) {
                if (!turn(false)) {
                    break;
                }
            }
        } else if (config.headless) {
            const int frames = config.frames > 0 ? config.frames : 3;
            while (framesDrawn < frames) {
                const int before = framesDrawn;
                if (!turn(false)) {
                    break;
                }
                if (framesDrawn > before) {
                    // Headless frames follow the camera's pace: give posted work a moment to
                    // arrive.
                    queue.waitForPost(std::chrono::milliseconds(30));
                }
            }
        } else {
            while (turn(config.waitForEvents)) {
            }
        }
        if (!config.screenshotPath.empty()) {
            // Draw once more so the file shows the final state, then read it back.
            settleGlyphs();
            drawFrame(Clock::now());
            if (auto r = captureScreenshot(renderer, config.screenshotPath); !r.ok()) {
                return r.error();
            }
        }
        return failure.empty() ? 0 : 1;
    }
};

App::App(AppConfig config, UiPorts ports, app::CameraControl* camera)
    : m_impl(std::make_unique<Impl>(std::move(config), ports, camera)) {}

App::~App() = default;

Result<void> App::start() {
    return m_impl->start();
}
void App::setCameraControl(app::CameraControl* camera) {
    m_impl->camera = camera;
}
UiQueue& App::queue() {
    return m_impl->queue;
}
std::shared_ptr<UiQueue> App::sharedQueue() {
    return m_impl->sharedQueue;
}
Result<int> App::run() {
    return m_impl->run();
}
const std::string& App::failure() const {
    return m_impl->failure;
}
nlohmann::json App::state() {
    return m_impl->state();
}
std::string App::fontWarning() const {
    return m_impl->fonts.warning();
}
int App::glyphsPending() const {
    return m_impl->fonts.pendingCount();
}
std::string App::videoDriver() const {
    const char* driver = SDL_GetCurrentVideoDriver();
    return driver != nullptr ? driver : "";
}

FrameStats App::drawFrames(int count) {
    FrameStats stats;
    m_impl->recording = &stats;
    while (stats.framesDrawn < count) {
        if (!m_impl->turn(false)) {
            break;
        }
    }
    m_impl->recording = nullptr;
    return stats;
}

FrameStats App::idleFor(int ms) {
    FrameStats stats;
    m_impl->recording = &stats;
    const auto end = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < end) {
        m_impl->waitCapMs = static_cast<int>(std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count()));
        m_impl->turn(true);
    }
    m_impl->waitCapMs = 60'000;
    m_impl->recording = nullptr;
    return stats;
}

} // namespace doorpost::kiosk::ui
