#pragma once
// A USB camera through V4L2: negotiates GREY, YUYV or MJPEG at the asked size and rate, streams
// with mmap'ed buffers, and hands out luma without copying (GREY and YUYV are viewed in the
// driver's buffer; MJPEG is decoded to grey by libjpeg-turbo). When the camera is unplugged
// (ENODEV, POLLERR, EIO after a USB reset) the source says so and reopens the device when it
// comes back; a camera that stops delivering frames is restarted by a watchdog. Which node to
// open may be decided anew on each (re)open (`resolve`: "auto" or a stable id, after a re-plug
// renumbered the camera).

#include "drivers/camera/frame_source.hpp"
#include "drivers/camera/v4l2_io.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace doorpost::drivers::camera {

enum class PixelFormat { Grey, Yuyv, Mjpeg };
const char* toString(PixelFormat format);

struct V4l2Config {
    std::string devicePath = "/dev/video0";
    int width = 1280;
    int height = 720;
    int fps = 30;
    // Tried in this order against what the camera offers. GREY and YUYV need no decoding.
    std::vector<PixelFormat> preference{PixelFormat::Grey, PixelFormat::Yuyv, PixelFormat::Mjpeg};
    int bufferCount = 4;
    std::chrono::milliseconds reconnectInterval{1000};
    // Streaming, but no frame for this long: the stream is stopped and started again (UVC
    // cameras that stall after a USB hiccup come back this way).
    std::chrono::milliseconds watchdog{2500};
    // Before each open: the node to open now (NotFound: no such camera yet, keep waiting).
    // Empty: `devicePath` as given.
    std::function<DriverResult<std::string>()> resolve;
    // Automatic exposure and, where offered, continuous autofocus (dark doorways, codes held
    // at different distances).
    bool automaticControls = true;
};

class V4l2Source final : public FrameSource {
public:
    V4l2Source(V4l2Config config, std::unique_ptr<V4l2Io> io);
    ~V4l2Source() override;
    V4l2Source(const V4l2Source&) = delete;
    V4l2Source& operator=(const V4l2Source&) = delete;

    DriverStatus open() override;
    NextFrame next(std::chrono::milliseconds timeout) override;
    void close() override;
    SourceState state() const override { return m_state; }
    std::string describe() const override { return "v4l2:" + m_path; }

    // What was negotiated (valid while streaming).
    PixelFormat pixelFormat() const { return m_format; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int reconnects() const { return m_reconnects; }
    int watchdogRestarts() const { return m_watchdogRestarts; }
    std::uint64_t damagedFrames() const { return m_damaged; }
    // The V4L2 controls set at the last open, e.g. "exposure_auto=3 focus_auto=1".
    const std::string& controls() const { return m_controls; }

private:
    struct Buffer {
        void* start = nullptr;
        std::size_t length = 0;
    };

    DriverStatus start();
    void teardown();
    NextFrame unplugged(std::string why);
    DriverStatus requeueHeld();
    DriverStatus reopen();
    void applyControls();

    V4l2Config m_config;
    std::unique_ptr<V4l2Io> m_io;
    SourceState m_state = SourceState::Closed;
    int m_fd = -1;
    std::vector<Buffer> m_buffers;
    int m_held = -1; // index of the buffer the last frame points into, given back on next()
    PixelFormat m_format = PixelFormat::Grey;
    int m_width = 0;
    int m_height = 0;
    int m_bytesPerLine = 0;
    std::uint64_t m_sequence = 0;
    int m_reconnects = 0;
    int m_watchdogRestarts = 0;
    std::uint64_t m_damaged = 0;
    std::string m_path; // the node opened last (or to be opened)
    std::string m_controls;
    FrameClock::time_point m_nextReconnect;
    FrameClock::time_point m_lastFrame; // for the watchdog
    LumaImage m_decoded;                // MJPEG frames decoded to grey
};

} // namespace doorpost::drivers::camera
