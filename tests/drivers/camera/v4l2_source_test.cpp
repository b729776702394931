// The V4L2 camera source driven through its seam by a fake camera: format negotiation, the
// buffer cycle (each buffer back to the driver once its frame is done), timeouts, unplug and
// reconnect.

#include "drivers/camera/v4l2_source.hpp"
#include "fake_v4l2.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <turbojpeg.h>

using namespace doorpost;
using namespace doorpost::drivers::camera;
using doorpost::DriverErrorKind;
using doorpost::drivers::testing::FakeCamera;
using doorpost::drivers::testing::FakeV4l2Io;
using namespace std::chrono_literals;

namespace {

struct Rig {
    std::shared_ptr<FakeCamera> camera = std::make_shared<FakeCamera>();
    std::unique_ptr<V4l2Source> source;

    explicit Rig(V4l2Config config = {}) {
        config.reconnectInterval = 20ms;
        source = std::make_unique<V4l2Source>(config, std::make_unique<FakeV4l2Io>(camera));
    }
};

// A YUYV frame whose Y samples are (x + y) & 0xFF and whose chroma bytes are 0x80.
std::vector<std::uint8_t> yuyvFrame(int width, int height, int bytesPerLine) {
    std::vector<std::uint8_t> frame(static_cast<std::size_t>(bytesPerLine) * height, 0x80);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            frame[static_cast<std::size_t>(y) * bytesPerLine + 2 * x] =
                static_cast<std::uint8_t>((x + y) & 0xFF);
        }
    }
    return frame;
}

} // namespace

TEST_CASE("v4l2: negotiation prefers GREY, then YUYV, then MJPEG, at the size the camera allows") {
    SECTION("YUYV over MJPEG when GREY is not offered") {
        Rig rig;
        REQUIRE(rig.source->open());
        CHECK(rig.source->pixelFormat() == PixelFormat::Yuyv);
        CHECK(rig.camera->format == V4L2_PIX_FMT_YUYV);
        CHECK(rig.source->width() == 1280);
        CHECK(rig.source->height() == 720);
        CHECK(rig.camera->streaming);
        CHECK(rig.camera->mapped == 4);
        CHECK(rig.camera->queued.size() == 4);
    }
    SECTION("GREY when offered") {
        Rig rig;
        rig.camera->formats = {V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_GREY};
        REQUIRE(rig.source->open());
        CHECK(rig.source->pixelFormat() == PixelFormat::Grey);
    }
    SECTION("the driver's smaller size is taken") {
        V4l2Config config;
        config.width = 1920;
        config.height = 1080;
        Rig rig(config);
        rig.camera->maxWidth = 640;
        rig.camera->maxHeight = 480;
        REQUIRE(rig.source->open());
        CHECK(rig.source->width() == 640);
        CHECK(rig.source->height() == 480);
    }
    SECTION("a camera with nothing usable fails cleanly") {
        Rig rig;
        rig.camera->formats = {v4l2_fourcc('H', '2', '6', '4')};
        const auto opened = rig.source->open();
        REQUIRE_FALSE(opened);
        CHECK(opened.error().kind == DriverErrorKind::Unsupported);
        CHECK(rig.source->state() == SourceState::Failed);
        CHECK(rig.camera->openFds == 0);
        CHECK(rig.camera->mapped == 0);
    }
}

TEST_CASE("v4l2: YUYV luma is viewed in the driver's buffer without a copy") {
    Rig rig;
    rig.camera->maxWidth = 100; // 200 bytes a row, padded to 256
    rig.camera->maxHeight = 20;
    REQUIRE(rig.source->open());
    REQUIRE(rig.camera->bytesPerLine == 256);
    rig.camera->nextFrame = yuyvFrame(100, 20, 256);
    const NextFrame next = rig.source->next(100ms);
    REQUIRE(next.status == NextStatus::Frame);
    const LumaView& luma = next.frame.luma;
    CHECK(luma.width() == 100);
    CHECK(luma.stride() == 256);
    CHECK(luma.pixelStride() == 2);
    CHECK(luma.at(0, 0) == 0);
    CHECK(luma.at(37, 5) == 42);
    CHECK(luma.at(99, 19) == 118);
    // The view points into one of the mapped buffers.
    const auto index = rig.camera->dequeueOrder.back();
    CHECK(luma.data() == rig.camera->buffers[index].data());
}

TEST_CASE("v4l2: MJPEG frames are decoded to grey") {
    Rig rig;
    rig.camera->formats = {V4L2_PIX_FMT_MJPEG};
    rig.camera->maxWidth = 64;
    rig.camera->maxHeight = 32;
    REQUIRE(rig.source->open());
    // A left-dark, right-light JPEG, made with libjpeg-turbo.
    std::vector<std::uint8_t> grey(64 * 32);
    for (int y = 0; y < 32; ++y) {
        for (int x = 0; x < 64; ++x) {
            grey[static_cast<std::size_t>(y * 64 + x)] = x < 32 ? 20 : 230;
        }
    }
    tjhandle compressor = tjInitCompress();
    unsigned char* jpeg = nullptr;
    unsigned long size = 0;
    REQUIRE(tjCompress2(compressor, grey.data(), 64, 64, 32, TJPF_GRAY, &jpeg, &size, TJSAMP_GRAY,
                        90, 0) == 0);
    rig.camera->nextFrame.assign(jpeg, jpeg + size);
    tjFree(jpeg);
    tjDestroy(compressor);

    const NextFrame next = rig.source->next(100ms);
    REQUIRE(next.status == NextStatus::Frame);
    CHECK(next.frame.luma.width() == 64);
    CHECK(next.frame.luma.at(5, 5) < 40);
    CHECK(next.frame.luma.at(60, 20) > 210);

    rig.camera->nextFrame = {0xFF, 0xD8, 0x00, 0x01}; // a broken JPEG is skipped, not fatal
    CHECK(rig.source->next(100ms).status == NextStatus::Timeout);
    CHECK(rig.source->state() == SourceState::Streaming);
}

TEST_CASE("v4l2: the buffer cycle gives each buffer back once its frame is done") {
    Rig rig;
    rig.camera->maxWidth = 32;
    rig.camera->maxHeight = 8;
    REQUIRE(rig.source->open());
    rig.camera->nextFrame = yuyvFrame(32, 8, rig.camera->bytesPerLine);
    for (int i = 0; i < 12; ++i) {
        const NextFrame next = rig.source->next(100ms);
        REQUIRE(next.status == NextStatus::Frame);
        CHECK(next.frame.sequence == static_cast<std::uint64_t>(i));
        // The application holds exactly one buffer (the current frame's); the driver has the rest.
        CHECK(rig.camera->queued.size() + rig.camera->done.size() == 3);
    }
    // Buffers come round in order: 0,1,2,3,0,1,...
    for (std::size_t i = 0; i < rig.camera->dequeueOrder.size(); ++i) {
        CHECK(rig.camera->dequeueOrder[i] == i % 4);
    }
    rig.source->close();
    CHECK(rig.camera->mapped == 0);
    CHECK(rig.camera->openFds == 0);
}

TEST_CASE("v4l2: no frame within the timeout is a timeout, not an error") {
    Rig rig;
    rig.camera->autoProduce = false;
    REQUIRE(rig.source->open());
    CHECK(rig.source->next(10ms).status == NextStatus::Timeout);
    rig.camera->nextFrame = yuyvFrame(1280, 720, rig.camera->bytesPerLine);
    REQUIRE(rig.camera->produce());
    CHECK(rig.source->next(10ms).status == NextStatus::Frame);
}

TEST_CASE(
    "v4l2: unplug is reported, resources are released, and the camera is reopened on return") {
    Rig rig;
    rig.camera->maxWidth = 32;
    rig.camera->maxHeight = 8;
    REQUIRE(rig.source->open());
    rig.camera->nextFrame = yuyvFrame(32, 8, rig.camera->bytesPerLine);
    REQUIRE(rig.source->next(100ms).status == NextStatus::Frame);

    rig.camera->plugged = false;
    const NextFrame gone = rig.source->next(100ms);
    CHECK(gone.status == NextStatus::Unplugged);
    CHECK(rig.source->state() == SourceState::Unplugged);
    CHECK(rig.camera->mapped == 0);
    CHECK(rig.camera->openFds == 0);

    // Still away: keeps saying so, without busy-looping.
    for (int i = 0; i < 3; ++i) {
        CHECK(rig.source->next(30ms).status == NextStatus::Unplugged);
    }

    rig.camera->plugged = true;
    NextFrame back;
    for (int i = 0; i < 10 && back.status != NextStatus::Frame; ++i) {
        back = rig.source->next(30ms);
    }
    INFO(back.message);
    REQUIRE(back.status == NextStatus::Frame);
    CHECK(back.frame.sequence == 0); // counting starts again with the new stream
    CHECK(rig.source->state() == SourceState::Streaming);
    CHECK(rig.source->reconnects() == 1);
    CHECK(rig.camera->mapped == 4);
    CHECK(rig.camera->openFds == 1);
}

TEST_CASE("v4l2: a camera absent at start is waited for") {
    Rig rig;
    rig.camera->plugged = false;
    const auto opened = rig.source->open();
    REQUIRE_FALSE(opened);
    CHECK(opened.error().kind == DriverErrorKind::NotFound);
    CHECK(rig.source->state() == SourceState::Unplugged);
    rig.camera->plugged = true;
    rig.camera->nextFrame = yuyvFrame(1280, 720, 2560);
    NextFrame next;
    for (int i = 0; i < 10 && next.status != NextStatus::Frame; ++i) {
        next = rig.source->next(30ms);
    }
    CHECK(next.status == NextStatus::Frame);
}

TEST_CASE("v4l2: a stream that stops delivering frames is restarted by the watchdog") {
    V4l2Config config;
    config.watchdog = 60ms;
    Rig rig(config);
    rig.camera->maxWidth = 32;
    rig.camera->maxHeight = 8;
    REQUIRE(rig.source->open());
    rig.camera->nextFrame = yuyvFrame(32, 8, rig.camera->bytesPerLine);
    REQUIRE(rig.source->next(100ms).status == NextStatus::Frame);
    rig.camera->autoProduce = false; // the camera goes silent
    const int opensBefore = rig.camera->opens;
    std::string restarted;
    for (int i = 0; i < 30 && restarted.empty(); ++i) {
        std::this_thread::sleep_for(10ms); // the fake's poll answers at once
        const NextFrame next = rig.source->next(20ms);
        CHECK(next.status == NextStatus::Timeout);
        restarted = next.message;
    }
    CHECK(restarted.find("stream restarted") != std::string::npos);
    CHECK(rig.source->watchdogRestarts() == 1);
    CHECK(rig.camera->opens == opensBefore + 1); // closed and opened again
    CHECK(rig.camera->openFds == 1);
    rig.camera->autoProduce = true;
    CHECK(rig.source->next(100ms).status == NextStatus::Frame);
    CHECK(rig.source->state() == SourceState::Streaming);
}

TEST_CASE("v4l2: the node to open is decided on each open (a renumbered camera)") {
    V4l2Config config;
    int asked = 0;
    config.resolve = [&asked]() -> DriverResult<std::string> {
        return ++asked == 1 ? std::string("/dev/video0") : std::string("/dev/video3");
    };
    Rig rig(config);
    rig.camera->maxWidth = 32;
    rig.camera->maxHeight = 8;
    REQUIRE(rig.source->open());
    CHECK(rig.source->describe() == "v4l2:/dev/video0");
    rig.camera->plugged = false;
    CHECK(rig.source->next(50ms).status == NextStatus::Unplugged);
    rig.camera->plugged = true;
    rig.camera->nextFrame = yuyvFrame(32, 8, 64);
    NextFrame back;
    for (int i = 0; i < 10 && back.status != NextStatus::Frame; ++i) {
        back = rig.source->next(30ms);
    }
    REQUIRE(back.status == NextStatus::Frame);
    CHECK(rig.source->describe() == "v4l2:/dev/video3");
}
