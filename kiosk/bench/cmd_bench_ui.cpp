// doorpost bench ui: frame time percentiles at 1280x800 (software renderer, off-screen) under
// load, the CPU an idle kiosk uses, and a bare clear-and-present frame as the baseline; then the
// same load where every verdict shows a name never seen before (unseen_*).

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/ui/bench_ui.hpp"

#include <cstdio>

namespace doorpost::kiosk::bench {
namespace {

struct BenchUiOptions {
    int frames = 600;
    int idleMs = 3000;
    std::string size = "1280x800";
};

} // namespace

void registerBenchUiCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchUiOptions>();
    CLI::App* ui = benchCommand(app).add_subcommand("ui", "UI frame times and idle CPU");
    ui->add_option("--frames", options->frames, "Frames drawn under load")
        ->check(CLI::Range(10, 100000));
    ui->add_option("--idle-ms", options->idleMs, "How long to measure idle")
        ->check(CLI::Range(200, 600000));
    ui->add_option("--size", options->size, "WIDTHxHEIGHT")->capture_default_str();
    ui->callback([options, &context] {
        int width = 0;
        int height = 0;
        if (std::sscanf(options->size.c_str(), "%dx%d", &width, &height) != 2 || width < 640 ||
            height < 400) {
            context.exitCode = fail(badInput("--size: expected WIDTHxHEIGHT, at least 640x400"));
            return;
        }
        auto result = ui::benchUi(options->frames, options->idleMs, width, height);
        if (!result.ok()) {
            context.exitCode = fail(result.error());
            return;
        }
        const ui::UiBenchResult& r = result.value();
        std::printf("size=%dx%d\nrenderer=software_offscreen\nframes=%d\n", r.width, r.height,
                    r.frames);
        // Frame times are the UI thread's CPU time per frame: what a frame costs one core,
        // independent of how busy the machine is. Wall times under the current load follow.
        std::printf("frame_p50_ms=%.2f\nframe_p99_ms=%.2f\n", r.frameCpuP50Ms, r.frameCpuP99Ms);
        std::printf("frame_wall_p50_ms=%.2f\nframe_wall_p95_ms=%.2f\nframe_wall_p99_ms=%.2f\nframe_"
                    "wall_max_ms=%.2f\n",
                    r.frameP50Ms, r.frameP95Ms, r.frameP99Ms, r.frameMaxMs);
        double load = 0;
        if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
            if (std::fscanf(f, "%lf", &load) != 1) {
                load = 0;
            }
            std::fclose(f);
        }
        std::printf("load_average_1m=%.2f\n", load);
        std::printf("baseline_frame_p99_ms=%.2f\nratio=%.2f\n", r.baselineP99Ms,
                    r.baselineP99Ms > 0 ? r.frameCpuP99Ms / r.baselineP99Ms : 0.0);
        std::printf("frame_budget_ms=16\nframe_p99_within_budget=%s\n",
                    r.frameCpuP99Ms <= 16.0 ? "true" : "false");
        std::printf("idle_ms=%d\nidle_frames_drawn=%d\nidle_cpu_pct=%.2f\n", r.idleMs,
                    r.idleFramesDrawn, r.idleCpuPercent);
        const ui::UiLoadRun& u = r.unseen;
        std::printf("unseen_names=%d\nunseen_hanzi=%d\nunseen_frames=%d\n", r.unseenNames,
                    r.unseenCodePoints, u.frames);
        std::printf(
            "unseen_frame_p50_ms=%.2f\nunseen_frame_p99_ms=%.2f\nunseen_frame_max_ms=%.2f\n",
            u.frameCpuP50Ms, u.frameCpuP99Ms, u.frameCpuMaxMs);
        std::printf("unseen_frame_wall_p50_ms=%.2f\nunseen_frame_wall_p99_ms=%.2f\nunseen_frame_"
                    "wall_max_ms=%.2f\n",
                    u.frameP50Ms, u.frameP99Ms, u.frameMaxMs);
        std::printf("unseen_glyph_waits=%d\nunseen_glyph_wait_max_ms=%.2f\n", u.glyphWaits,
                    u.glyphWaitMaxMs);
        std::printf("unseen_frame_p99_within_budget=%s\n",
                    u.frameCpuP99Ms <= 16.0 ? "true" : "false");
        std::fflush(stdout);
        context.exitCode = kExitOk;
    });
}

} // namespace doorpost::kiosk::bench
