#include "drivers/camera/v4l2_source.hpp"

#include "drivers/camera/image_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <span>
#include <sys/mman.h>
#include <thread>

namespace doorpost::drivers::camera {
namespace {

std::uint32_t fourcc(PixelFormat format) {
    switch (format) {
    case PixelFormat::Grey:
        return V4L2_PIX_FMT_GREY;
    case PixelFormat::Yuyv:
        return V4L2_PIX_FMT_YUYV;
    case PixelFormat::Mjpeg:
        return V4L2_PIX_FMT_MJPEG;
    }
    return 0;
}

bool isGone(int error) {
    return error == ENODEV || error == ENXIO || error == EIO;
}

std::string errnoText(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

} // namespace

const char* toString(PixelFormat format) {
    switch (format) {
    case PixelFormat::Grey:
        return "GREY";
    case PixelFormat::Yuyv:
        return "YUYV";
    case PixelFormat::Mjpeg:
        return "MJPG";
    }
    return "?";
}

V4l2Source::V4l2Source(V4l2Config config, std::unique_ptr<V4l2Io> io)
    : m_config(std::move(config)), m_io(std::move(io)), m_path(m_config.devicePath) {}

V4l2Source::~V4l2Source() {
    close();
}

DriverStatus V4l2Source::open() {
    if (m_state == SourceState::Streaming) {
        return Done{};
    }
    auto started = start();
    if (!started) {
        teardown();
        const auto kind = started.error().kind;
        if (kind == DriverErrorKind::NotFound || kind == DriverErrorKind::Unplugged) {
            // Not there (yet): next() keeps trying, as after an unplug.
            m_state = SourceState::Unplugged;
            m_nextReconnect = FrameClock::now() + m_config.reconnectInterval;
        } else {
            m_state = SourceState::Failed;
        }
        return started;
    }
    m_state = SourceState::Streaming;
    return Done{};
}

DriverStatus V4l2Source::start() {
    if (m_config.resolve) {
        auto path = m_config.resolve();
        if (!path) {
            return path.error();
        }
        m_path = std::move(path.value());
    }
    m_fd = m_io->open(m_path.c_str(), O_RDWR | O_NONBLOCK);
    if (m_fd < 0) {
        const bool missing = errno == ENOENT || isGone(errno);
        return DriverError{missing ? DriverErrorKind::NotFound : DriverErrorKind::Device,
                           m_path + ": " + std::strerror(errno)};
    }
    v4l2_capability caps{};
    if (m_io->ioctl(m_fd, VIDIOC_QUERYCAP, &caps) < 0) {
        return DriverError{isGone(errno) ? DriverErrorKind::Unplugged
                                         : DriverErrorKind::Unsupported,
                           m_path + ": not a V4L2 device"};
    }
    const std::uint32_t deviceCaps =
        (caps.capabilities & V4L2_CAP_DEVICE_CAPS) != 0 ? caps.device_caps : caps.capabilities;
    if ((deviceCaps & V4L2_CAP_VIDEO_CAPTURE) == 0 || (deviceCaps & V4L2_CAP_STREAMING) == 0) {
        return DriverError{DriverErrorKind::Unsupported, m_path + ": no streaming video capture"};
    }

    // The formats the camera offers, then the first of ours it has.
    std::vector<std::uint32_t> offered;
    for (std::uint32_t index = 0; index < 64; ++index) {
        v4l2_fmtdesc desc{};
        desc.index = index;
        desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (m_io->ioctl(m_fd, VIDIOC_ENUM_FMT, &desc) < 0) {
            break;
        }
        offered.push_back(desc.pixelformat);
    }
    const auto chosen =
        std::find_if(m_config.preference.begin(), m_config.preference.end(), [&](PixelFormat f) {
            return std::find(offered.begin(), offered.end(), fourcc(f)) != offered.end();
        });
    if (chosen == m_config.preference.end()) {
        return DriverError{DriverErrorKind::Unsupported,
                           m_path + ": offers none of GREY, YUYV, MJPEG"};
    }
    v4l2_format format{};
    format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    format.fmt.pix.width = static_cast<std::uint32_t>(m_config.width);
    format.fmt.pix.height = static_cast<std::uint32_t>(m_config.height);
    format.fmt.pix.pixelformat = fourcc(*chosen);
    format.fmt.pix.field = V4L2_FIELD_NONE;
    if (m_io->ioctl(m_fd, VIDIOC_S_FMT, &format) < 0) {
        return DriverError{isGone(errno) ? DriverErrorKind::Unplugged
                                         : DriverErrorKind::Unsupported,
                           errnoText("VIDIOC_S_FMT")};
    }
    // The driver may adjust size and format; what it answers is what we get.
    if (format.fmt.pix.pixelformat != fourcc(*chosen) || format.fmt.pix.width == 0 ||
        format.fmt.pix.height == 0) {
        return DriverError{DriverErrorKind::Unsupported, m_path + ": format refused"};
    }
    m_format = *chosen;
    m_width = static_cast<int>(format.fmt.pix.width);
    m_height = static_cast<int>(format.fmt.pix.height);
    const int minLine = m_format == PixelFormat::Yuyv ? 2 * m_width : m_width;
    m_bytesPerLine = std::max(static_cast<int>(format.fmt.pix.bytesperline), minLine);

    // The frame rate is a wish: cameras that cannot set it still stream.
    v4l2_streamparm parm{};
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    parm.parm.capture.timeperframe.numerator = 1;
    parm.parm.capture.timeperframe.denominator =
        static_cast<std::uint32_t>(std::max(1, m_config.fps));
    (void)m_io->ioctl(m_fd, VIDIOC_S_PARM, &parm);
    if (m_config.automaticControls) {
        applyControls();
    }

    v4l2_requestbuffers request{};
    request.count = static_cast<std::uint32_t>(std::max(2, m_config.bufferCount));
    request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    request.memory = V4L2_MEMORY_MMAP;
    if (m_io->ioctl(m_fd, VIDIOC_REQBUFS, &request) < 0 || request.count < 2) {
        return DriverError{DriverErrorKind::Device, m_path + ": cannot get capture buffers"};
    }
    for (std::uint32_t index = 0; index < request.count; ++index) {
        v4l2_buffer buffer{};
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buffer.memory = V4L2_MEMORY_MMAP;
        buffer.index = index;
        if (m_io->ioctl(m_fd, VIDIOC_QUERYBUF, &buffer) < 0) {
            return DriverError{DriverErrorKind::Device, errnoText("VIDIOC_QUERYBUF")};
        }
        void* start = m_io->mmap(buffer.length, PROT_READ | PROT_WRITE, MAP_SHARED, m_fd,
                                 static_cast<off_t>(buffer.m.offset));
        if (start == MAP_FAILED) {
            return DriverError{DriverErrorKind::Device, errnoText("mmap")};
        }
        m_buffers.push_back({start, buffer.length});
        if (m_io->ioctl(m_fd, VIDIOC_QBUF, &buffer) < 0) {
            return DriverError{DriverErrorKind::Device, errnoText("VIDIOC_QBUF")};
        }
    }
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (m_io->ioctl(m_fd, VIDIOC_STREAMON, &type) < 0) {
        return DriverError{isGone(errno) ? DriverErrorKind::Unplugged : DriverErrorKind::Device,
                           errnoText("VIDIOC_STREAMON")};
    }
    m_sequence = 0;
    m_lastFrame = FrameClock::now();
    return Done{};
}

void V4l2Source::applyControls() {
    // A dark doorway needs longer exposures than a fixed setting gives: automatic exposure
    // (UVC cameras offer it as "aperture priority", others as "auto"), and continuous autofocus
    // where the camera has it, since codes are held at any distance. Cameras without these
    // controls stream as they are.
    m_controls.clear();
    v4l2_queryctrl query{};
    query.id = V4L2_CID_EXPOSURE_AUTO;
    if (m_io->ioctl(m_fd, VIDIOC_QUERYCTRL, &query) == 0 &&
        (query.flags & V4L2_CTRL_FLAG_DISABLED) == 0) {
        for (const int mode : {V4L2_EXPOSURE_APERTURE_PRIORITY, V4L2_EXPOSURE_AUTO}) {
            v4l2_querymenu item{};
            item.id = V4L2_CID_EXPOSURE_AUTO;
            item.index = static_cast<std::uint32_t>(mode);
            if (m_io->ioctl(m_fd, VIDIOC_QUERYMENU, &item) != 0) {
                continue;
            }
            v4l2_control control{V4L2_CID_EXPOSURE_AUTO, mode};
            if (m_io->ioctl(m_fd, VIDIOC_S_CTRL, &control) == 0) {
                m_controls += "exposure_auto=" + std::to_string(mode);
                break;
            }
        }
    }
    query = {};
    query.id = V4L2_CID_FOCUS_AUTO;
    if (m_io->ioctl(m_fd, VIDIOC_QUERYCTRL, &query) == 0 &&
        (query.flags & V4L2_CTRL_FLAG_DISABLED) == 0) {
        v4l2_control control{V4L2_CID_FOCUS_AUTO, 1};
        if (m_io->ioctl(m_fd, VIDIOC_S_CTRL, &control) == 0) {
            m_controls += std::string(m_controls.empty() ? "" : " ") + "focus_auto=1";
        }
    }
}

DriverStatus V4l2Source::reopen() {
    teardown();
    auto started = start();
    if (!started) {
        teardown();
    }
    return started;
}

void V4l2Source::teardown() {
    if (m_fd >= 0) {
        int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        (void)m_io->ioctl(m_fd, VIDIOC_STREAMOFF, &type);
    }
    for (const auto& buffer : m_buffers) {
        m_io->munmap(buffer.start, buffer.length);
    }
    m_buffers.clear();
    m_held = -1;
    if (m_fd >= 0) {
        // Buffers are released with the descriptor (REQBUFS 0 would fail on a vanished device).
        m_io->close(m_fd);
        m_fd = -1;
    }
}

void V4l2Source::close() {
    teardown();
    m_state = SourceState::Closed;
}

NextFrame V4l2Source::unplugged(std::string why) {
    teardown();
    m_state = SourceState::Unplugged;
    m_nextReconnect = FrameClock::now() + m_config.reconnectInterval;
    NextFrame out;
    out.status = NextStatus::Unplugged;
    out.message = m_path + ": " + why;
    return out;
}

DriverStatus V4l2Source::requeueHeld() {
    if (m_held < 0) {
        return Done{};
    }
    v4l2_buffer buffer{};
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buffer.memory = V4L2_MEMORY_MMAP;
    buffer.index = static_cast<std::uint32_t>(m_held);
    m_held = -1;
    if (m_io->ioctl(m_fd, VIDIOC_QBUF, &buffer) < 0) {
        return DriverError{isGone(errno) ? DriverErrorKind::Unplugged : DriverErrorKind::Device,
                           errnoText("VIDIOC_QBUF")};
    }
    return Done{};
}

NextFrame V4l2Source::next(std::chrono::milliseconds timeout) {
    NextFrame out;
    if (m_state == SourceState::Unplugged) {
        // Wait within the caller's timeout for the next reconnect attempt, then try it.
        std::this_thread::sleep_until(std::min(m_nextReconnect, FrameClock::now() + timeout));
        if (FrameClock::now() < m_nextReconnect) {
            out.status = NextStatus::Unplugged;
            out.message = m_path + ": waiting for the camera";
            return out;
        }
        auto reopened = start();
        if (!reopened) {
            teardown();
            const auto kind = reopened.error().kind;
            if (kind != DriverErrorKind::NotFound && kind != DriverErrorKind::Unplugged) {
                m_state = SourceState::Failed;
                out.status = NextStatus::Error;
                out.message = reopened.error().message;
                return out;
            }
            m_nextReconnect = FrameClock::now() + m_config.reconnectInterval;
            out.status = NextStatus::Unplugged;
            out.message = reopened.error().message;
            return out;
        }
        ++m_reconnects;
        m_state = SourceState::Streaming;
    }
    if (m_state != SourceState::Streaming) {
        out.status = m_state == SourceState::Ended ? NextStatus::Ended : NextStatus::Error;
        out.message = describe() + " is " + toString(m_state);
        return out;
    }
    // The previous frame's buffer goes back to the driver now: its view ends with this call.
    if (auto requeued = requeueHeld(); !requeued) {
        if (requeued.error().kind == DriverErrorKind::Unplugged) {
            return unplugged(requeued.error().message);
        }
        out.status = NextStatus::Error;
        out.message = requeued.error().message;
        return out;
    }
    pollfd pfd{m_fd, POLLIN, 0};
    int ready = 0;
    do {
        ready = m_io->poll(&pfd, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        return isGone(errno) ? unplugged(errnoText("poll"))
                             : NextFrame{NextStatus::Error, {}, errnoText("poll")};
    }
    if (ready == 0) {
        out.status = NextStatus::Timeout;
        if (FrameClock::now() - m_lastFrame >= m_config.watchdog) {
            // Streaming on paper, silent in fact: restart the stream (a reopen, since some UVC
            // cameras only recover from a stall through a new open).
            ++m_watchdogRestarts;
            if (auto restarted = reopen(); !restarted) {
                if (restarted.error().kind == DriverErrorKind::NotFound ||
                    restarted.error().kind == DriverErrorKind::Unplugged) {
                    return unplugged("no frames, and the camera is gone");
                }
                m_state = SourceState::Failed;
                out.status = NextStatus::Error;
                out.message = restarted.error().message;
                return out;
            }
            out.message = m_path + ": no frames for " + std::to_string(m_config.watchdog.count()) +
                          " ms, stream restarted";
        }
        return out;
    }
    if ((pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 && (pfd.revents & POLLIN) == 0) {
        return unplugged("camera went away");
    }
    v4l2_buffer buffer{};
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buffer.memory = V4L2_MEMORY_MMAP;
    if (m_io->ioctl(m_fd, VIDIOC_DQBUF, &buffer) < 0) {
        if (errno == EAGAIN) {
            out.status = NextStatus::Timeout;
            return out;
        }
        if (isGone(errno)) {
            return unplugged(errnoText("VIDIOC_DQBUF"));
        }
        out.status = NextStatus::Error;
        out.message = errnoText("VIDIOC_DQBUF");
        return out;
    }
    if (buffer.index >= m_buffers.size()) {
        out.status = NextStatus::Error;
        out.message = "driver returned an unknown buffer";
        return out;
    }
    m_held = static_cast<int>(buffer.index);
    const Buffer& mapped = m_buffers[buffer.index];
    const auto* data = static_cast<const std::uint8_t*>(mapped.start);
    const std::size_t used = std::min<std::size_t>(buffer.bytesused, mapped.length);
    if ((buffer.flags & V4L2_BUF_FLAG_ERROR) != 0) {
        ++m_damaged;
        out.status = NextStatus::Timeout; // a damaged frame: skip it, the next one follows
        out.message = "damaged frame skipped";
        return out;
    }
    switch (m_format) {
    case PixelFormat::Grey:
    case PixelFormat::Yuyv: {
        const int pixelStride = m_format == PixelFormat::Yuyv ? 2 : 1;
        if (used <
            static_cast<std::size_t>(m_bytesPerLine) * static_cast<std::size_t>(m_height - 1) +
                static_cast<std::size_t>(m_width * pixelStride)) {
            out.status = NextStatus::Timeout;
            out.message = "short frame skipped";
            return out;
        }
        out.frame.luma = LumaView(data, m_width, m_height, m_bytesPerLine, pixelStride);
        break;
    }
    case PixelFormat::Mjpeg: {
        auto decoded = decodeJpegToLuma(std::span<const std::uint8_t>(data, used), m_decoded);
        if (!decoded) {
            out.status = NextStatus::Timeout;
            out.message = "undecodable MJPEG frame skipped";
            return out;
        }
        out.frame.luma = m_decoded.view();
        break;
    }
    }
    out.status = NextStatus::Frame;
    // The driver's frame count since STREAMON: frames it dropped leave gaps.
    out.frame.sequence = buffer.sequence;
    ++m_sequence;
    out.frame.captured = FrameClock::now();
    // The driver's capture time, when it is on the monotonic clock (as steady_clock is): the
    // frame was taken then, not when this thread got round to dequeuing it.
    if ((buffer.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
        (buffer.timestamp.tv_sec != 0 || buffer.timestamp.tv_usec != 0)) {
        const FrameClock::time_point taken(std::chrono::duration_cast<FrameClock::duration>(
            std::chrono::seconds(buffer.timestamp.tv_sec) +
            std::chrono::microseconds(buffer.timestamp.tv_usec)));
        if (taken <= out.frame.captured && out.frame.captured - taken < std::chrono::seconds(2)) {
            out.frame.captured = taken;
        }
    }
    m_lastFrame = FrameClock::now();
    return out;
}

} // namespace doorpost::drivers::camera
