// Replay of image folders and Y4M video, duplicate suppression, and picture diagnostics.

#include "drivers/camera/image_file.hpp"
#include "drivers/camera/replay_source.hpp"
#include "drivers/capture/diagnostics.hpp"
#include "drivers/capture/duplicate_filter.hpp"
#include "drivers/capture/scan_loop.hpp"
#include "drivers/synthetic/synthetic_scene.hpp"
#include "drivers/synthetic/synthetic_source.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::drivers::camera;
using doorpost::DriverErrorKind;
using namespace doorpost::drivers::decode;
using namespace doorpost::drivers::synthetic;
using namespace doorpost::drivers::capture;
using namespace std::chrono_literals;
using doorpost::test::TempDir;
namespace fs = std::filesystem;

namespace {

LumaImage flat(int w, int h, std::uint8_t level) {
    return LumaImage(w, h, level);
}

} // namespace

TEST_CASE("replay: a folder of images loops in name order") {
    TempDir dir;
    REQUIRE(saveLumaPng(flat(16, 8, 10).view(), (dir.path() / "b.png").string()));
    REQUIRE(saveLumaPng(flat(16, 8, 20).view(), (dir.path() / "a.png").string()));
    std::ofstream(dir.path() / "notes.txt") << "ignored";
    ReplaySource source({dir.path().string(), 0.0, true});
    REQUIRE(source.open());
    CHECK(source.frameCount() == 2);
    std::vector<int> levels;
    for (int i = 0; i < 5; ++i) {
        const NextFrame next = source.next(100ms);
        REQUIRE(next.status == NextStatus::Frame);
        levels.push_back(next.frame.luma.at(3, 3));
    }
    CHECK(levels == std::vector<int>{20, 10, 20, 10, 20});
}

TEST_CASE("replay: without looping the source ends") {
    TempDir dir;
    REQUIRE(saveLumaPng(flat(8, 8, 1).view(), (dir.path() / "only.png").string()));
    ReplaySource source({dir.path().string(), 0.0, false});
    REQUIRE(source.open());
    CHECK(source.next(100ms).status == NextStatus::Frame);
    CHECK(source.next(100ms).status == NextStatus::Ended);
    CHECK(source.state() == SourceState::Ended);
}

TEST_CASE("replay: Y4M video frames give their luma plane, looped, at the file's rate") {
    TempDir dir;
    const auto path = (dir.path() / "door.y4m").string();
    {
        std::ofstream out(path, std::ios::binary);
        out << "YUV4MPEG2 W4 H2 F50:1 Ip A1:1 C420jpeg\n";
        for (int frame = 0; frame < 3; ++frame) {
            out << "FRAME\n";
            out << std::string(8, static_cast<char>(100 + frame)); // Y: 4x2
            out << std::string(2 * 2 * 1, static_cast<char>(128)); // U, V: 2x1 each
        }
    }
    ReplaySource source({path, -1.0, true});
    REQUIRE(source.open());
    const auto start = FrameClock::now();
    std::vector<int> levels;
    for (int i = 0; i < 5; ++i) {
        const NextFrame next = source.next(500ms);
        REQUIRE(next.status == NextStatus::Frame);
        CHECK(next.frame.luma.width() == 4);
        CHECK(next.frame.luma.height() == 2);
        levels.push_back(next.frame.luma.at(3, 1));
    }
    CHECK(levels == std::vector<int>{100, 101, 102, 100, 101});
    CHECK(FrameClock::now() - start >= 75ms); // 5 frames at 50 fps: the 5th is due at 80 ms
}

TEST_CASE("replay: bad paths and files fail cleanly") {
    TempDir dir;
    ReplaySource missing({(dir.path() / "nope").string(), 0.0, true});
    CHECK_FALSE(missing.open());
    CHECK(missing.state() == SourceState::Failed);
    const auto bogus = (dir.path() / "bogus.y4m").string();
    std::ofstream(bogus) << "not a video\n";
    ReplaySource bad({bogus, 0.0, true});
    const auto opened = bad.open();
    REQUIRE_FALSE(opened);
    CHECK(opened.error().kind == DriverErrorKind::BadInput);
    ReplaySource empty({dir.path().string(), 0.0, true});
    fs::remove(bogus);
    CHECK_FALSE(empty.open());
}

TEST_CASE("duplicates: a code in view is one read until it has been gone for the set time") {
    DuplicateFilter filter(1000ms);
    const FrameClock::time_point t0{};
    const std::vector<std::uint8_t> pass{'P', '1'};
    const std::vector<std::uint8_t> other{'P', '2'};
    CHECK(filter.accept(CodeFormat::QRCode, pass, t0));
    // In view for 3 s, with a 600 ms stretch of missed frames: still one read.
    CHECK_FALSE(filter.accept(CodeFormat::QRCode, pass, t0 + 400ms));
    CHECK_FALSE(filter.accept(CodeFormat::QRCode, pass, t0 + 1000ms));
    CHECK_FALSE(filter.accept(CodeFormat::QRCode, pass, t0 + 1600ms));
    CHECK_FALSE(filter.accept(CodeFormat::QRCode, pass, t0 + 2300ms));
    CHECK_FALSE(filter.accept(CodeFormat::QRCode, pass, t0 + 3000ms));
    // Another person's code in the same frames is its own read.
    CHECK(filter.accept(CodeFormat::QRCode, other, t0 + 3000ms));
    // The same content in another symbology is another code.
    CHECK(filter.accept(CodeFormat::PDF417, pass, t0 + 3000ms));
    // Gone for the set time, then shown again: a new read (re-entry is the gate's decision).
    CHECK(filter.accept(CodeFormat::QRCode, pass, t0 + 4000ms));
    CHECK_FALSE(filter.accept(CodeFormat::QRCode, pass, t0 + 4100ms));
}

TEST_CASE("diagnostics: counts, and hints for dark, glaring and blurred pictures") {
    auto run = [](const Degradation& degradation, bool withCode) {
        SourceDiagnostics diagnostics;
        // Four rendered frames, each seen four times (rendering 1280x720 costs more than
        // measuring).
        std::vector<LumaImage> frames;
        for (int i = 0; i < 4; ++i) {
            SceneSpec spec;
            spec.degradation = degradation; // 1280x720, the kiosk camera's size
            spec.degradation.noiseSigma = 4;
            spec.seed = static_cast<std::uint64_t>(i) + 1;
            if (withCode) {
                spec.code = CodePayload{"HINT-TEST", CodeFormat::QRCode};
            }
            auto image = renderScene(spec);
            REQUIRE(image);
            frames.push_back(std::move(image).value());
        }
        for (int i = 0; i < 20; ++i) {
            const PictureStats picture =
                measurePicture(frames[static_cast<std::size_t>(i % 4)].view());
            UNSCOPED_INFO("sharpness " << picture.sharpness << " edges " << picture.edgeEnergy);
            diagnostics.addFrame(picture, i % 4 == 0, i == 7);
        }
        return diagnostics.snapshot();
    };
    const auto good = run({}, true);
    CHECK(good.frames == 20);
    CHECK(good.framesWithRead == 5);
    CHECK(good.failedAttempts == 1);
    CHECK(good.hints.empty());

    Degradation dark;
    dark.exposure = 0.2;
    CHECK(run(dark, true).hints == std::vector<std::string>{"too dark"});

    Degradation glare;
    glare.exposure = 2.5;
    CHECK(run(glare, false).hints == std::vector<std::string>{"too bright or glare"});

    Degradation blurred;
    blurred.blurSigma = 5;
    CHECK(run(blurred, true).hints == std::vector<std::string>{"lens dirty or out of focus"});
    CHECK(run(blurred, false).hints == std::vector<std::string>{"lens dirty or out of focus"});
}

TEST_CASE("scan loop: each code held up is reported once, in order, with diagnostics") {
    SyntheticConfig config;
    config.width = 640;
    config.height = 360;
    config.fps = 50;
    config.payloads = {{"DP1:FIRST", CodeFormat::QRCode},
                       {"C202600042", CodeFormat::Code128},
                       {"DP1:FIRST", CodeFormat::QRCode}};
    config.framesWithCode = 4;
    config.framesWithout = 4; // 80 ms out of view between people
    config.frameLimit = 24;
    config.degradation.noiseSigma = 3;
    ScanLoopOptions options;
    options.goneAfter = 50ms;
    options.decoder.budget = std::chrono::seconds(1); // what is read, not how fast
    options.decoder.idleBudget = std::chrono::seconds(1);
    std::mutex mutex;
    std::vector<std::string> reads;
    std::vector<SourceState> states;
    ScanCallbacks callbacks;
    callbacks.onRead = [&](const ScanRead& read) {
        std::lock_guard lock(mutex);
        reads.push_back(read.read.text);
    };
    callbacks.onState = [&](SourceState state, const std::string&) {
        std::lock_guard lock(mutex);
        states.push_back(state);
    };
    ScanLoop loop(std::make_unique<SyntheticSource>(config), options, callbacks);
    REQUIRE(loop.start());
    // Bounded wait (sanitizer builds on a loaded machine are slow): until the source has ended.
    for (int i = 0; i < 1500; ++i) {
        {
            std::lock_guard lock(mutex);
            if (!states.empty() && states.back() == SourceState::Ended) {
                break;
            }
        }
        std::this_thread::sleep_for(20ms);
    }
    loop.stop();
    std::lock_guard lock(mutex);
    // The same pass shown again after leaving the view is a new read (re-entry is the gate's call).
    CHECK(reads == std::vector<std::string>{"DP1:FIRST", "C202600042", "DP1:FIRST"});
    const auto diagnostics = loop.diagnostics();
    CHECK(diagnostics.frames == 24);
    CHECK(diagnostics.framesWithRead >= 9);
    CHECK(diagnostics.failedAttempts == 0);
}
