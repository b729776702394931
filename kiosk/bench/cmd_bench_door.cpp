// doorpost bench door: a live door end to end. A camera at 30 fps (the synthetic one, or a V4L2
// camera: on a test machine the fake camera of tests/drivers/camera/ LD_PRELOADed, on a kiosk a
// real one) feeds the kiosk's own capture path (CameraFeed over the scan loop and the isolated
// decoder), the real gate commits each read, and the headless UI draws as `doorpost run` does,
// idling between changes. Measured: from the first frame that shows a code to the first drawn
// frame that shows its verdict (p50, p99, beside the frame interval), and the CPU the whole kiosk
// spends per second of door (this process and its decoder worker, getrusage and /proc).
//
// The camera must show each code from frame k*(code+blank) for `code` frames, then nothing for
// `blank` frames (--code-frames, --blank-frames): the synthetic camera is set up so, and the
// fake camera's plan is written so. A frame's capture time and sequence number then give the
// moment its code first came into view.

#include "kiosk/app/camera_feed.hpp"
#include "kiosk/app/camera_setup.hpp"
#include "kiosk/app/gate_adapter.hpp"
#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/bench/bench_support.hpp"
#include "kiosk/cli/gate_session.hpp"
#include "kiosk/ui/app.hpp"
#include "kiosk/ui/camera_hookup.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sys/resource.h>
#include <unistd.h>

namespace doorpost::kiosk::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchDoorOptions {
    std::string camera = "synthetic";
    int seconds = 20;
    int codeFrames = 30;
    int blankFrames = 60;
    double fps = 30;
    std::string db; // empty: a temporary database
};

double processCpuSeconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a live process, from /proc/PID/stat (the decoder worker).
double childCpuSeconds(pid_t pid) {
    if (pid <= 0) {
        return 0;
    }
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return 0;
    }
    unsigned long utime = 0, stime = 0;
    // Fields after the command: state (3) ... utime (14), stime (15).
    if (std::sscanf(stat.c_str() + close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                    &utime, &stime) != 2) {
        return 0;
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Timing {
    std::mutex mutex; // the capture thread adds reads, the UI thread takes them
    std::deque<Clock::time_point> firstShown;
    std::vector<double> latencyMs;
    int reads = 0;
    int outOfCadence = 0;
};

int runBenchDoor(const BenchDoorOptions& options, const GlobalOptions& global) {
    if (options.codeFrames < 1 || options.blankFrames < 1) {
        return fail(badInput("--code-frames, --blank-frames: at least 1"));
    }
    auto choice = app::parseCameraSpec(options.camera);
    if (!choice.ok()) {
        return fail(choice.error());
    }
    if (choice.value().kind == app::CameraChoice::Kind::Replay) {
        return fail(badInput("--camera: bench door needs a camera with a known cadence "
                             "(synthetic or V4L2), not a replay"));
    }
    // The synthetic camera: 1280x720 at the asked rate, a different ticket at each appearance
    // (the same code again within 1.5 s would be one read). Each picture is rendered once, when
    // the camera opens, before anything is measured, and then delivered at the cadence as a
    // camera delivers its frames: rendering every frame anew costs more than a frame interval
    // at 30 fps and the kiosk's CPU would be mostly the renderer's.
    auto& synthetic = choice.value().synthetic;
    synthetic = app::doorSyntheticConfig();
    synthetic.renderOnce = true;
    synthetic.fps = options.fps;
    synthetic.framesWithCode = options.codeFrames;
    synthetic.framesWithout = options.blankFrames;
    synthetic.payloads.clear();
    for (int i = 0; i < 16; ++i) {
        synthetic.payloads.push_back(
            {"20211101007" + std::to_string(10 + i), drivers::decode::CodeFormat::QRCode});
    }
    choice.value().fps = static_cast<int>(options.fps);
    auto source = app::makeFrameSource(choice.value());
    if (!source.ok()) {
        return fail(source.error());
    }

    std::error_code ec;
    const auto tempDir = std::filesystem::temp_directory_path(ec) /
                         ("doorpost-bench-door-" + std::to_string(::getpid()));
    GlobalOptions gateOptions = global;
    if (options.db.empty()) {
        std::filesystem::create_directories(tempDir, ec);
        gateOptions.dbPath = (tempDir / "door.db").string();
    } else {
        gateOptions.dbPath = options.db;
    }
    auto gateConfig = cli::loadGateConfig(gateOptions);
    if (!gateConfig.ok()) {
        return fail(gateConfig.error());
    }
    int result = kExitOk;
    {
        app::GateAdapter gate(gateOptions.dbPath, gateConfig.value());
        const double interval = 1.0 / options.fps;
        const auto cycle = static_cast<std::uint64_t>(options.codeFrames + options.blankFrames);
        auto timing = std::make_shared<Timing>();

        ui::AppConfig config;
        config.headless = true;
        config.sound = false;
        config.lang = ui::Lang::En;
        // UI thread: the first frame presented with a verdict ends that read's latency.
        config.onVerdictDrawn = [timing](const app::VerdictView&, Clock::time_point drawn) {
            std::lock_guard lock(timing->mutex);
            if (timing->firstShown.empty()) {
                return;
            }
            timing->latencyMs.push_back(
                std::chrono::duration<double, std::milli>(drawn - timing->firstShown.front())
                    .count());
            timing->firstShown.pop_front();
        };
        ui::UiPorts ports;
        ports.gate = &gate;
        ui::App door(config, ports);
        // Capture thread: when did this read's code first come into view?
        const auto codeFrames = static_cast<std::uint64_t>(options.codeFrames);
        auto onRead = [timing, cycle, codeFrames, interval](const app::CodeRead& read) {
            const std::uint64_t inCycle = read.frame % cycle;
            std::lock_guard lock(timing->mutex);
            ++timing->reads;
            if (inCycle >= codeFrames) { // read while nothing was shown: not this cadence
                ++timing->outOfCadence;
                return;
            }
            timing->firstShown.push_back(
                read.seen -
                std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(inCycle) * interval)));
        };
        auto feed = ui::makeCameraFeed(door, &gate, std::move(source.value()), {}, onRead);
        if (auto started = door.start(); !started.ok()) {
            return fail(started.error());
        }
        if (auto started = feed->start(); !started.ok()) {
            return fail(started.error());
        }
        // Warm up (the camera opens and delivers, the decoder's worker and the fonts settle),
        // then measure. The synthetic camera renders its pictures as it opens, which takes
        // longer on a busy machine: the two seconds start at its first frame.
        for (int waited = 0; feed->diagnostics().frames == 0 && waited < 60000; waited += 100) {
            (void)door.idleFor(100);
        }
        (void)door.idleFor(2000);
        {
            std::lock_guard lock(timing->mutex);
            timing->latencyMs.clear();
            timing->firstShown.clear();
            timing->reads = 0;
        }
        const pid_t worker = feed->decoderPid();
        const double cpuStart = processCpuSeconds(RUSAGE_SELF) +
                                processCpuSeconds(RUSAGE_CHILDREN) + childCpuSeconds(worker);
        const auto wallStart = Clock::now();
        const ui::FrameStats frames = door.idleFor(options.seconds * 1000);
        const double wall = std::chrono::duration<double>(Clock::now() - wallStart).count();
        const double cpu = processCpuSeconds(RUSAGE_SELF) + processCpuSeconds(RUSAGE_CHILDREN) +
                           childCpuSeconds(feed->decoderPid()) - cpuStart;
        const double workerCpu = childCpuSeconds(feed->decoderPid());
        const auto diagnostics = feed->diagnostics();
        feed.reset();

        std::vector<double> latency;
        int reads = 0;
        {
            std::lock_guard lock(timing->mutex);
            latency = timing->latencyMs;
            reads = timing->reads;
        }
        const double p50 = percentile(latency, 50);
        const double p99 = percentile(latency, 99);
        const double maxMs = latency.empty() ? 0 : latency.back();
        const double cpuPct = wall > 0 ? 100.0 * cpu / wall : 0;
        std::printf("camera=%s\nfps=%.0f\nframe_interval_ms=%.1f\nseconds=%.1f\n",
                    options.camera.c_str(), options.fps, 1000.0 * interval, wall);
        std::printf("code_frames=%d\nblank_frames=%d\nreads=%d\nverdicts_drawn=%zu\n",
                    options.codeFrames, options.blankFrames, reads, latency.size());
        std::printf("latency_p50_ms=%.1f\nlatency_p99_ms=%.1f\nlatency_max_ms=%.1f\n", p50, p99,
                    maxMs);
        std::printf("latency_p99_frames=%.2f\nlatency_target_ms=100\nlatency_within_target=%s\n",
                    p99 / (1000.0 * interval), !latency.empty() && p99 <= 100.0 ? "true" : "false");
        std::printf("frames_captured=%llu\nframes_drawn=%d\nreads_out_of_cadence=%d\n",
                    static_cast<unsigned long long>(diagnostics.frames), frames.framesDrawn,
                    timing->outOfCadence);
        std::printf(
            "cpu_pct=%.1f\ndecoder_worker_cpu_s=%.2f\ncpu_target_pct=25\ncpu_within_target=%s"
            "\n",
            cpuPct, workerCpu, cpuPct <= 25.0 ? "true" : "false");
        std::fflush(stdout);
        if (latency.empty()) {
            std::fprintf(stderr, "doorpost: bench door: no verdict was drawn (is the camera "
                                 "showing codes at the given cadence?)\n");
            result = kExitNegative;
        }
    }
    if (options.db.empty()) {
        std::filesystem::remove_all(tempDir, ec);
    }
    return result;
}

} // namespace

void registerBenchDoorCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchDoorOptions>();
    CLI::App* door = benchCommand(app).add_subcommand(
        "door", "A live door: code-in-view to verdict-drawn latency, and CPU per second");
    door->add_option("--camera", options->camera,
                     "synthetic, or a V4L2 camera (auto, /dev/videoN, by-id:NAME)")
        ->capture_default_str();
    door->add_option("--seconds", options->seconds, "How long to measure")
        ->check(CLI::Range(2, 3600))
        ->capture_default_str();
    door->add_option("--code-frames", options->codeFrames,
                     "Frames each code is in view (the camera's cadence)")
        ->capture_default_str();
    door->add_option("--blank-frames", options->blankFrames,
                     "Frames of empty doorway between codes")
        ->capture_default_str();
    door->add_option("--fps", options->fps, "The camera's frame rate")
        ->check(CLI::Range(1.0, 120.0))
        ->capture_default_str();
    door->add_option("--bench-db", options->db,
                     "The kiosk database the gate writes to (default: a temporary one)");
    door->callback(
        [options, &context] { context.exitCode = runBenchDoor(*options, context.global); });
}

} // namespace doorpost::kiosk::bench
