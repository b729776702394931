#pragma once
// A fake V4L2 camera behind the V4l2Io seam: it answers the ioctls a capture client makes, owns
// its buffers in memory, produces frames on demand, and can be unplugged and plugged back.
// The test keeps a pointer to the device state; the source owns the Io object.

#include "drivers/camera/v4l2_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <linux/videodev2.h>
#include <memory>
#include <sys/mman.h>
#include <vector>

namespace doorpost::drivers::testing {

struct FakeCamera {
    std::vector<std::uint32_t> formats{V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG};
    int maxWidth = 1280;
    int maxHeight = 720;
    bool plugged = true;
    // What the next produced frame contains (raw bytes in the negotiated format).
    std::vector<std::uint8_t> nextFrame;
    bool autoProduce = true; // every poll has a frame ready (a streaming camera)

    // Negotiated state, for the test to inspect.
    std::uint32_t format = 0;
    int width = 0;
    int height = 0;
    int bytesPerLine = 0;
    bool streaming = false;
    int openFds = 0;
    int mapped = 0;
    int opens = 0;
    std::vector<std::vector<std::uint8_t>> buffers;
    std::deque<std::uint32_t> queued; // owned by the driver, waiting to be filled
    std::deque<std::uint32_t> done;   // filled, waiting for DQBUF
    std::vector<std::uint32_t> dequeueOrder;
    std::uint32_t sequence = 0;

    std::size_t frameSize() const { return static_cast<std::size_t>(bytesPerLine) * height; }

    // Fills the oldest queued buffer, as the camera would.
    bool produce() {
        if (!streaming || queued.empty()) {
            return false;
        }
        const auto index = queued.front();
        queued.pop_front();
        auto& buffer = buffers[index];
        std::fill(buffer.begin(), buffer.end(), 0);
        std::memcpy(buffer.data(), nextFrame.data(), std::min(nextFrame.size(), buffer.size()));
        done.push_back(index);
        return true;
    }
};

class FakeV4l2Io final : public camera::V4l2Io {
public:
    explicit FakeV4l2Io(std::shared_ptr<FakeCamera> camera) : m_camera(std::move(camera)) {}

    int open(const char*, int) override {
        if (!m_camera->plugged) {
            errno = ENOENT;
            return -1;
        }
        ++m_camera->opens;
        ++m_camera->openFds;
        return 42;
    }
    int close(int) override {
        --m_camera->openFds;
        m_camera->streaming = false;
        m_camera->buffers.clear();
        m_camera->queued.clear();
        m_camera->done.clear();
        return 0;
    }
    int poll(pollfd* fds, nfds_t, int) override {
        FakeCamera& cam = *m_camera;
        if (!cam.plugged) {
            fds[0].revents = POLLERR;
            return 1;
        }
        if (cam.done.empty() && cam.autoProduce) {
            cam.produce();
        }
        fds[0].revents = cam.done.empty() ? 0 : POLLIN;
        return cam.done.empty() ? 0 : 1;
    }
    void* mmap(std::size_t length, int, int, int, off_t offset) override {
        const auto index = static_cast<std::size_t>(offset) / 4096;
        if (index >= m_camera->buffers.size() || length != m_camera->buffers[index].size()) {
            errno = EINVAL;
            return MAP_FAILED;
        }
        ++m_camera->mapped;
        return m_camera->buffers[index].data();
    }
    int munmap(void*, std::size_t) override {
        --m_camera->mapped;
        return 0;
    }
    int ioctl(int, unsigned long request, void* arg) override {
        FakeCamera& cam = *m_camera;
        if (!cam.plugged) {
            errno = ENODEV;
            return -1;
        }
        switch (request) {
        case VIDIOC_QUERYCAP: {
            auto* caps = static_cast<v4l2_capability*>(arg);
            std::memset(caps, 0, sizeof *caps);
            caps->capabilities = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING | V4L2_CAP_DEVICE_CAPS;
            caps->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
            return 0;
        }
        case VIDIOC_ENUM_FMT: {
            auto* desc = static_cast<v4l2_fmtdesc*>(arg);
            if (desc->index >= cam.formats.size()) {
                errno = EINVAL;
                return -1;
            }
            desc->pixelformat = cam.formats[desc->index];
            return 0;
        }
        case VIDIOC_S_FMT: {
            auto* format = static_cast<v4l2_format*>(arg);
            auto& pix = format->fmt.pix;
            if (std::find(cam.formats.begin(), cam.formats.end(), pix.pixelformat) ==
                cam.formats.end()) {
                pix.pixelformat = cam.formats.front(); // drivers substitute, they do not fail
            }
            pix.width =
                std::min<std::uint32_t>(pix.width, static_cast<std::uint32_t>(cam.maxWidth));
            pix.height =
                std::min<std::uint32_t>(pix.height, static_cast<std::uint32_t>(cam.maxHeight));
            // Rows padded to 64 bytes, as many drivers do.
            const std::uint32_t bytes = pix.pixelformat == V4L2_PIX_FMT_YUYV ? 2 : 1;
            pix.bytesperline =
                pix.pixelformat == V4L2_PIX_FMT_MJPEG ? 0 : (pix.width * bytes + 63) / 64 * 64;
            cam.format = pix.pixelformat;
            cam.width = static_cast<int>(pix.width);
            cam.height = static_cast<int>(pix.height);
            cam.bytesPerLine = pix.pixelformat == V4L2_PIX_FMT_MJPEG
                                   ? static_cast<int>(pix.width)
                                   : static_cast<int>(pix.bytesperline);
            return 0;
        }
        case VIDIOC_S_PARM:
            return 0;
        case VIDIOC_REQBUFS: {
            auto* req = static_cast<v4l2_requestbuffers*>(arg);
            cam.buffers.assign(req->count, std::vector<std::uint8_t>(cam.frameSize() * 2));
            return 0;
        }
        case VIDIOC_QUERYBUF: {
            auto* buffer = static_cast<v4l2_buffer*>(arg);
            if (buffer->index >= cam.buffers.size()) {
                errno = EINVAL;
                return -1;
            }
            buffer->length = static_cast<std::uint32_t>(cam.buffers[buffer->index].size());
            buffer->m.offset = buffer->index * 4096;
            return 0;
        }
        case VIDIOC_QBUF: {
            auto* buffer = static_cast<v4l2_buffer*>(arg);
            if (buffer->index >= cam.buffers.size() ||
                std::find(cam.queued.begin(), cam.queued.end(), buffer->index) !=
                    cam.queued.end()) {
                errno = EINVAL; // queued twice: a bug in the client
                return -1;
            }
            cam.queued.push_back(buffer->index);
            return 0;
        }
        case VIDIOC_DQBUF: {
            auto* buffer = static_cast<v4l2_buffer*>(arg);
            if (cam.done.empty()) {
                errno = EAGAIN;
                return -1;
            }
            buffer->index = cam.done.front();
            buffer->sequence = cam.sequence++; // frames since STREAMON, as drivers count
            cam.done.pop_front();
            buffer->bytesused = static_cast<std::uint32_t>(
                cam.format == V4L2_PIX_FMT_MJPEG ? cam.nextFrame.size() : cam.frameSize());
            buffer->flags = 0;
            cam.dequeueOrder.push_back(buffer->index);
            return 0;
        }
        case VIDIOC_STREAMON:
            cam.streaming = true;
            cam.sequence = 0;
            return 0;
        case VIDIOC_STREAMOFF:
            cam.streaming = false;
            return 0;
        default:
            errno = ENOTTY;
            return -1;
        }
    }

private:
    std::shared_ptr<FakeCamera> m_camera;
};

} // namespace doorpost::drivers::testing
