// What it must show (3): the camera is pulled out while the kiosk runs; its chip turns red,
// manual registration still works, and reading resumes when the camera is plugged back.
#include "kiosk/app/camera_setup.hpp"
#include "kiosk/ui/camera_hookup.hpp"
#include "png_reader.hpp"
#include "ui_harness.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;
using namespace doorpost::kiosk::ui::test;

namespace {

// The kiosk's own camera factory (as `doorpost run --synthetic` uses), with a smaller, faster
// scene so the test reads several codes in a few seconds.
std::unique_ptr<drivers::camera::FrameSource> camera() {
    CameraChoice choice;
    drivers::synthetic::SyntheticConfig& config = choice.synthetic;
    config = {};
    config.width = 640;
    config.height = 480;
    config.fps = 30.0;
    config.framesWithCode = 6;
    config.framesWithout = 6;
    // Different codes in turn: each is a new read (the same code again soon would be one read).
    for (const char* text : {"ADMIT:2021110100731", "ADMIT:2021110100732", "ADMIT:2021110100733"}) {
        config.payloads.push_back({text, drivers::decode::CodeFormat::QRCode});
    }
    config.degradation.moduleSize = 5.0;
    auto source = makeFrameSource(choice);
    REQUIRE(source.ok());
    return std::move(source.value());
}

std::string tapDigits(const std::string& id) {
    std::string script;
    for (char c : id) {
        script += std::string("tap key_") + c + "\n";
    }
    return script;
}

} // namespace

TEST_CASE(
    "camera unplugged and plugged back: red chip, manual registration meanwhile, reading resumes") {
    const auto dir = screenshotDir("camera");
    FakeGate gate;
    FakeQuery query(gate);

    AppConfig config;
    config.headless = true;
    config.sound = false;
    config.lang = Lang::En;
    config.scriptText =
        "wait-for camera ok 10000\n"
        "wait-for-min admitted 1 15000\n" // a code read by the camera reached the gate
        "camera unplug\n"
        "wait-for camera offline 3000\n"
        "screenshot " +
        (dir / "camera_unplugged_en.png").string() +
        "\n"
        "state\n"
        "tap manual\n" +
        tapDigits("440524188001010014") +
        "tap reason_will_not_scan\n"
        "tap confirm\n"
        "wait-for manual 1\n"
        "expect camera offline\n"
        "camera plug\n"
        "wait-for camera ok 5000\n"
        "state\n";
    App app(config, UiPorts{&gate, &query, nullptr});
    const std::unique_ptr<CameraFeed> feedOwner = makeCameraFeed(app, &gate, camera());
    CameraFeed& feed = *feedOwner;
    REQUIRE(app.start().ok());
    REQUIRE(feed.start().ok());
    auto result = app.run();
    REQUIRE(result.ok());
    INFO(app.failure());
    REQUIRE(result.value() == 0);
    const int readsBeforeReplug = feed.readsDelivered();
    CHECK(readsBeforeReplug >= 1);
    CHECK(gate.registrations().size() == 1);

    // After the plug: new reads arrive from the camera again.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (feed.readsDelivered() <= readsBeforeReplug &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(feed.readsDelivered() > readsBeforeReplug);

    Image shot;
    REQUIRE(readPng((dir / "camera_unplugged_en.png").string(), shot));
    CHECK(countColour(shot, 0xC6, 0x28, 0x28) > 500); // the red camera chip
}

TEST_CASE("the replay camera (recorded frames, as `doorpost run --replay DIR`) unplugged and "
          "plugged back") {
    FakeGate gate;
    FakeQuery query(gate);
    AppConfig config;
    config.headless = true;
    config.sound = false;
    config.lang = Lang::En;
    config.scriptText = "wait-for camera ok 10000\n"
                        "wait-for-min preview_frames 2 10000\n"
                        "camera unplug\n"
                        "wait-for camera offline 3000\n"
                        "tap manual\n" +
                        tapDigits("440524188001010014") +
                        "tap reason_no_phone\n"
                        "tap confirm\n"
                        "wait-for manual 1\n"
                        "camera plug\n"
                        "wait-for camera ok 5000\n"
                        "state\n";
    CameraChoice choice;
    choice.kind = CameraChoice::Kind::Replay;
    choice.replayPath = std::string(DOORPOST_TEST_DATA) + "/zxing-samples/qrcode-1";
    auto source = makeFrameSource(choice);
    REQUIRE(source.ok());
    App app(config, UiPorts{&gate, &query, nullptr});
    const std::unique_ptr<CameraFeed> feed = makeCameraFeed(app, &gate, std::move(source.value()));
    REQUIRE(app.start().ok());
    REQUIRE(feed->start().ok());
    auto result = app.run();
    REQUIRE(result.ok());
    INFO(app.failure());
    REQUIRE(result.value() == 0);
    CHECK(gate.registrations().size() == 1);

    CameraChoice missing = choice;
    missing.replayPath += "/no-such-folder";
    auto refused = makeFrameSource(missing);
    REQUIRE(!refused.ok());
    CHECK(refused.error().kind == ErrorKind::BadInput);
}
