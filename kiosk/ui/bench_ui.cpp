#include "kiosk/ui/bench_ui.hpp"

#include "kiosk/ui/app.hpp"

#include <SDL.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
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

} // namespace

Result<UiBenchResult> benchUi(int frames, int idleMs, int width, int height) {
    UiBenchResult result;
    AppConfig config;
    config.headless = true;
    config.width = width;
    config.height = height;
    config.sound = false;
    config.examSite = true;
    App app(config, UiPorts{});
    if (auto started = app.start(); !started.ok()) {
        return started.error();
    }
    UiQueue& queue = app.queue();

    // Under load: a new camera frame for every drawn frame, a verdict every 60 frames.
    std::vector<double> frameMs;
    std::vector<double> frameCpuMs;
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
            view.name = "张三";
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
    }
    result.frames = static_cast<int>(frameMs.size());
    result.frameP50Ms = percentile(frameMs, 0.50);
    result.frameP95Ms = percentile(frameMs, 0.95);
    result.frameP99Ms = percentile(frameMs, 0.99);
    result.frameCpuP50Ms = percentile(frameCpuMs, 0.50);
    result.frameCpuP99Ms = percentile(frameCpuMs, 0.99);
    result.frameMaxMs = frameMs.empty() ? 0 : *std::max_element(frameMs.begin(), frameMs.end());
    result.width = width;
    result.height = height;

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
    return result;
}

} // namespace doorpost::kiosk::ui
