#include "kiosk/ui/bench_ui.hpp"

#include "kiosk/ui/app.hpp"

#include <SDL.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iconv.h>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <sys/resource.h>
#include <time.h>
#include <vector>

namespace doorpost::kiosk::ui {
namespace {

using Clock = std::chrono::steady_clock;

// Long enough for a verdict on screen to time out before idle is measured.
constexpr int kIdleSettleMs = 4500;

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index =
        static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())) - 1);
    return values[std::min(index, values.size() - 1)];
}

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// A moving grey test pattern the size of a scaled-down camera frame.
std::shared_ptr<app::PreviewFrame> patternFrame(std::uint64_t generation) {
    auto frame = std::make_shared<app::PreviewFrame>();
    frame->width = 640;
    frame->height = 360;
    frame->generation = generation;
    frame->luma.resize(640 * 360);
    for (int y = 0; y < 360; ++y) {
        for (int x = 0; x < 640; ++x) {
            frame->luma[static_cast<std::size_t>(y * 640 + x)] =
                static_cast<std::uint8_t>((x + y + static_cast<int>(generation) * 7) & 0xFF);
        }
    }
    frame->outline = {200, 80, 440, 80, 440, 300, 200, 300};
    return frame;
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The same software renderer and frame surface as the headless kiosk, drawing nothing but a
// clear and one full-screen rectangle: the floor a frame cannot go below.
Result<double> baselineP99(int width, int height, int frames) {
    SDL_Surface* surface =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (surface == nullptr) {
        return environmentFault(std::string("bench ui: ") + SDL_GetError());
    }
    SDL_Renderer* renderer = SDL_CreateSoftwareRenderer(surface);
    std::vector<double> ms;
    for (int i = 0; renderer != nullptr && i < frames; ++i) {
        const double start = threadCpuMs();
        SDL_SetRenderDrawColor(renderer, 0x14, 0x1A, static_cast<Uint8>(i & 0xFF), 0xFF);
        SDL_RenderClear(renderer);
        const SDL_Rect all{0, 0, width, height};
        SDL_SetRenderDrawColor(renderer, 0x22, 0x2B, static_cast<Uint8>(i & 0xFF), 0xFF);
        SDL_RenderFillRect(renderer, &all);
        SDL_RenderPresent(renderer);
        ms.push_back(threadCpuMs() - start);
    }
    if (renderer != nullptr) {
        SDL_DestroyRenderer(renderer);
    }
    SDL_FreeSurface(surface);
    return percentile(ms, 0.99);
}

// GB 2312's level-1 hanzi, the 3755 in most common use (rows 16-55 of the standard, EUC-CN
// bytes B0A1..D7F9), as UTF-8 strings: the pool the unseen names are drawn from.
Result<std::vector<std::string>> commonHanzi() {
    iconv_t cd = iconv_open("UTF-8", "GB2312");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return environmentFault("bench ui: iconv has no GB2312 converter");
    }
    std::vector<std::string> out;
    for (int row = 0xB0; row <= 0xD7; ++row) {
        for (int cell = 0xA1; cell <= (row == 0xD7 ? 0xF9 : 0xFE); ++cell) {
            char in[2] = {static_cast<char>(row), static_cast<char>(cell)};
            char utf8[8] = {};
            char* inPtr = in;
            char* outPtr = utf8;
            std::size_t inLeft = sizeof in;
            std::size_t outLeft = sizeof utf8;
            if (iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != static_cast<std::size_t>(-1)) {
                out.emplace_back(utf8, static_cast<std::size_t>(outPtr - utf8));
            }
        }
    }
    iconv_close(cd);
    if (out.size() != 3755) {
        return environmentFault("bench ui: GB2312 level 1 gave " + std::to_string(out.size()) +
                                " hanzi, expected 3755");
    }
    return out;
}

// `count` different names of two or three hanzi, the same on every run (a fixed seed).
std::vector<std::string> unseenNames(const std::vector<std::string>& pool, int count,
                                     std::set<std::string>& codePoints) {
    std::mt19937 random(20260214);
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
    std::set<std::string> names;
    std::vector<std::string> out;
    while (static_cast<int>(out.size()) < count) {
        const int length = 2 + static_cast<int>(random() % 2);
        std::string name;
        std::vector<std::string> chars;
        for (int i = 0; i < length; ++i) {
            chars.push_back(pool[pick(random)]);
            name += chars.back();
        }
        if (names.insert(name).second) {
            out.push_back(name);
            codePoints.insert(chars.begin(), chars.end());
        }
    }
    return out;
}

// Draws `frames` frames with a new camera frame before each and a verdict every 60 frames, the
// n-th verdict naming nameFor(n).
UiLoadRun drawUnderLoad(App& app, int frames, const std::function<std::string(int)>& nameFor) {
    UiQueue& queue = app.queue();
    std::vector<double> frameMs;
    std::vector<double> frameCpuMs;
    std::vector<double> glyphWaitMs;
    for (int i = 0; i < frames; ++i) {
        auto frame = patternFrame(static_cast<std::uint64_t>(i + 1));
        queue.post([frame](UiModel& m) {
            m.camera.state = app::DeviceState::Ok;
            m.preview = frame;
        });
        if (i % 60 == 0) {
            app::VerdictView view;
            view.kind = static_cast<Verdict>((i / 60) % 3 + 1);
            view.reasonZh = "考生信息核验通过";
            view.reasonEn = "Candidate verified";
            view.name = nameFor(i / 60);
            view.maskedId = "110105********002X";
            view.room = "第12考场";
            view.seat = "07";
            view.seq = i;
            queue.post(
                [view](UiModel& m) { applyVerdict(m, view, std::chrono::steady_clock::now()); });
        }
        const FrameStats stats = app.drawFrames(1);
        frameMs.insert(frameMs.end(), stats.frameMs.begin(), stats.frameMs.end());
        frameCpuMs.insert(frameCpuMs.end(), stats.frameCpuMs.begin(), stats.frameCpuMs.end());
        glyphWaitMs.insert(glyphWaitMs.end(), stats.glyphWaitMs.begin(), stats.glyphWaitMs.end());
    }
    UiLoadRun run;
    run.glyphWaits = static_cast<int>(glyphWaitMs.size());
    run.glyphWaitMaxMs = percentile(glyphWaitMs, 1.0);
    run.frames = static_cast<int>(frameMs.size());
    run.frameP50Ms = percentile(frameMs, 0.50);
    run.frameP95Ms = percentile(frameMs, 0.95);
    run.frameP99Ms = percentile(frameMs, 0.99);
    run.frameMaxMs = percentile(frameMs, 1.0);
    run.frameCpuP50Ms = percentile(frameCpuMs, 0.50);
    run.frameCpuP99Ms = percentile(frameCpuMs, 0.99);
    run.frameCpuMaxMs = percentile(frameCpuMs, 1.0);
    return run;
}

AppConfig benchConfig(int width, int height) {
    AppConfig config;
    config.headless = true;
    config.width = width;
    config.height = height;
    config.sound = false;
    config.examSite = true;
    return config;
}

} // namespace

Result<UiBenchResult> benchUi(int frames, int idleMs, int width, int height) {
    UiBenchResult result;
    result.width = width;
    result.height = height;
    auto pool = commonHanzi();
    if (!pool.ok()) {
        return pool.error();
    }
    {
        App app(benchConfig(width, height), UiPorts{});
        if (auto started = app.start(); !started.ok()) {
            return started.error();
        }
        // Under load, every verdict the same person: the atlas has the name after the first.
        const UiLoadRun load = drawUnderLoad(app, frames, [](int) { return "张三"; });
        result.frames = load.frames;
        result.frameP50Ms = load.frameP50Ms;
        result.frameP95Ms = load.frameP95Ms;
        result.frameP99Ms = load.frameP99Ms;
        result.frameMaxMs = load.frameMaxMs;
        result.frameCpuP50Ms = load.frameCpuP50Ms;
        result.frameCpuP99Ms = load.frameCpuP99Ms;

        // Idle: the last verdict times out, then nothing changes; the loop should sleep.
        app.idleFor(kIdleSettleMs);
        const double cpuBefore = cpuSeconds();
        const auto wallBefore = Clock::now();
        const FrameStats idle = app.idleFor(idleMs);
        const double wall = std::chrono::duration<double>(Clock::now() - wallBefore).count();
        result.idleCpuPercent = 100.0 * (cpuSeconds() - cpuBefore) / wall;
        result.idleMs = idleMs;
        result.idleFramesDrawn = idle.framesDrawn;

        auto baseline = baselineP99(width, height, std::max(100, frames / 2));
        if (!baseline.ok()) {
            return baseline.error();
        }
        result.baselineP99Ms = baseline.value();
    }
    {
        // A fresh kiosk: every verdict names someone whose hanzi it has not shown yet.
        App app(benchConfig(width, height), UiPorts{});
        if (auto started = app.start(); !started.ok()) {
            return started.error();
        }
        std::set<std::string> codePoints;
        const std::vector<std::string> names =
            unseenNames(pool.value(), (frames + 59) / 60, codePoints);
        result.unseen = drawUnderLoad(
            app, frames, [&names](int n) { return names[static_cast<std::size_t>(n)]; });
        result.unseenNames = static_cast<int>(names.size());
        result.unseenCodePoints = static_cast<int>(codePoints.size());
    }
    return result;
}

} // namespace doorpost::kiosk::ui
