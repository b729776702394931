// A USB camera for a machine that has none, at the system-call boundary: LD_PRELOAD this into
// the real `doorpost` and it sees /dev/video0, answers the V4L2 ioctls a UVC camera answers
// (QUERYCAP, ENUM_FMT, ENUM_FRAMESIZES, ENUM_FRAMEINTERVALS, S_FMT, S_PARM, QUERYCTRL, QUERYMENU,
// S_CTRL, REQBUFS, QUERYBUF, QBUF, DQBUF, STREAMON/OFF), maps its buffers, paces frames in
// poll() at the camera's rate (a frame finding no queued buffer is dropped, as a camera drops
// it), and presents /sys/class/video4linux and /dev/v4l/by-id from a fake tree. The code under
// test is the product's own: nothing in it knows the camera is fake.
//
// Environment:
//   FAKE_VIDEO_DIR      folder of frames: NAME.pgm (P5 grey, for GREY and YUYV) and NAME.jpg
//                       (for MJPEG), all at FAKE_VIDEO_SIZE
//   FAKE_VIDEO_PLAN     what the camera does, steps separated by ';' (frames counted as the
//                       camera produces them, whether or not the reader keeps up):
//                         show NAME N      N frames of NAME
//                         unplug MS [NODE] the camera goes away (poll: POLLERR, ioctls: ENODEV,
//                                          the node and its /sys and by-id entries vanish) and
//                                          comes back MS milliseconds later, as NODE (e.g.
//                                          video2) when given: a re-plug renumbers it
//                         stall            no more frames until the stream is restarted
//                         errors N         N frames dequeued with V4L2_BUF_FLAG_ERROR
//                         eio              the next DQBUF fails with EIO (a USB reset); the
//                                          camera works again once it is reopened
//                         loop             start the plan again
//                       After the last step the last frame shown stays in view.
//   FAKE_VIDEO_FORMATS  offered formats, e.g. "YUYV,MJPG" (default) or "MJPG" or "GREY"
//   FAKE_VIDEO_SIZE     WIDTHxHEIGHT (default 640x480)
//   FAKE_VIDEO_PAD      bytes added to each line (bytesperline > width), default 0
//   FAKE_VIDEO_FPS      frame rate (default 30)
//   FAKE_VIDEO_BUS      bus_info (default usb-0000:00:14.0-1)
//   FAKE_VIDEO_ABSENT=1 no camera at all (an empty /sys/class/video4linux)
//   FAKE_VIDEO_LOG      file to append what happened to (opens, S_CTRL, STREAMON, unplug, ...)

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <map>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <set>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

template <typename F> F real(const char* name) {
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

struct Step {
    enum Kind { Show, Unplug, Stall, Errors, Eio, Loop } kind = Show;
    std::string name;
    long count = 0;
};

struct Image {
    std::vector<std::uint8_t> grey; // width * height
    std::vector<std::uint8_t> jpeg;
    // The buffer contents in GREY or YUYV at the camera's line length, made once: filling a
    // buffer is then one copy, as cheap as a camera's DMA is to the CPU.
    std::map<std::uint32_t, std::vector<std::uint8_t>> raw;
};

struct Buffer {
    std::uint8_t* data = nullptr;
    std::size_t length = 0;
    bool queued = false;
    std::uint32_t used = 0;
    std::uint32_t flags = 0;
    std::uint32_t sequence = 0;
    Clock::time_point taken;
};

struct Camera {
    std::mutex mutex;
    bool ready = false;
    int width = 640;
    int height = 480;
    int pad = 0;
    double fps = 30;
    std::vector<std::uint32_t> formats{V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG};
    std::string bus = "usb-0000:00:14.0-1";
    std::string node = "video0";
    bool absent = false;
    std::string root; // the fake tree: root/sys/class/video4linux, root/dev/v4l/by-id
    std::string logPath;
    std::map<std::string, Image> images;
    std::vector<Step> plan;

    // Plan progress, across streams and opens.
    std::size_t step = 0;
    long stepDone = 0;
    std::string showing; // the last frame shown
    bool present = true;
    Clock::time_point replugAt;
    std::string nextNode;
    bool stalled = false;
    long errorsLeft = 0;
    bool eioPending = false;
    bool needReopen = false;

    // The stream.
    std::set<int> fds;
    int streamFd = -1;
    std::uint32_t format = V4L2_PIX_FMT_YUYV;
    bool streaming = false;
    Clock::time_point started;
    std::uint64_t produced = 0; // frame slots since STREAMON
    std::vector<Buffer> buffers;
    std::deque<int> done;
};

Camera& camera();

void logLine(Camera& c, const char* fmt, ...) {
    if (c.logPath.empty()) {
        return;
    }
    std::FILE* f = std::fopen(c.logPath.c_str(), "a");
    if (f == nullptr) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    std::vfprintf(f, fmt, args);
    va_end(args);
    std::fputc('\n', f);
    std::fclose(f);
}

std::vector<std::uint8_t> readFile(const std::string& path) {
    std::vector<std::uint8_t> bytes;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return bytes;
    }
    std::uint8_t chunk[65536];
    std::size_t n = 0;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    std::fclose(f);
    return bytes;
}

// P5 PGM: "P5\n<w> <h>\n255\n" then the pixels.
std::vector<std::uint8_t> readPgm(const std::string& path, int width, int height) {
    const auto bytes = readFile(path);
    int w = 0, h = 0, max = 0, header = 0;
    if (bytes.size() < 16 ||
        std::sscanf(reinterpret_cast<const char*>(bytes.data()), "P5 %d %d %d%n", &w, &h, &max,
                    &header) != 3 ||
        w != width || h != height) {
        return {};
    }
    const std::size_t start = static_cast<std::size_t>(header) + 1;
    if (bytes.size() < start + static_cast<std::size_t>(w) * h) {
        return {};
    }
    return {bytes.begin() + static_cast<std::ptrdiff_t>(start),
            bytes.begin() + static_cast<std::ptrdiff_t>(start + static_cast<std::size_t>(w) * h)};
}

std::string env(const char* name, const char* fallback = "") {
    const char* value = std::getenv(name);
    return value != nullptr ? value : fallback;
}

void parsePlan(Camera& c, const std::string& text) {
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t end = std::min(text.find(';', at), text.size());
        char word[32] = {}, arg[256] = {}, extra[64] = {};
        const int got =
            std::sscanf(text.substr(at, end - at).c_str(), " %31s %255s %63s", word, arg, extra);
        at = end + 1;
        if (got < 1) {
            continue;
        }
        Step step;
        const std::string kind = word;
        if (kind == "show" && got >= 3) {
            step.kind = Step::Show;
            step.name = arg;
            step.count = std::atol(extra);
        } else if (kind == "unplug") {
            step.kind = Step::Unplug;
            step.count = got >= 2 ? std::atol(arg) : 1;
            step.name = got >= 3 ? extra : "";
        } else if (kind == "stall") {
            step.kind = Step::Stall;
        } else if (kind == "errors") {
            step.kind = Step::Errors;
            step.count = std::atol(arg);
        } else if (kind == "eio") {
            step.kind = Step::Eio;
        } else if (kind == "loop") {
            step.kind = Step::Loop;
        } else {
            continue;
        }
        c.plan.push_back(step);
    }
}

std::string sysDir(const Camera& c) {
    return c.root + "/sys/class/video4linux";
}
std::string byIdDir(const Camera& c) {
    return c.root + "/dev/v4l/by-id";
}
std::string byIdName() {
    return "usb-Doorpost_Fake_Camera_0001-video-index0";
}

// The /sys and by-id entries follow the camera's presence.
void publish(Camera& c) {
    const std::string node = sysDir(c) + "/" + c.node;
    const std::string link = byIdDir(c) + "/" + byIdName();
    if (c.present && !c.absent) {
        ::mkdir(node.c_str(), 0755);
        ::unlink(link.c_str());
        if (::symlink(("../../" + c.node).c_str(), link.c_str()) != 0) {
            logLine(c, "symlink failed: %s", std::strerror(errno));
        }
    } else {
        ::unlink(link.c_str());
        ::rmdir(node.c_str());
    }
}

void removeTree();

void setUp(Camera& c) {
    c.ready = true;
    c.logPath = env("FAKE_VIDEO_LOG");
    c.absent = env("FAKE_VIDEO_ABSENT") == "1";
    std::sscanf(env("FAKE_VIDEO_SIZE", "640x480").c_str(), "%dx%d", &c.width, &c.height);
    c.pad = std::atoi(env("FAKE_VIDEO_PAD", "0").c_str());
    c.fps = std::atof(env("FAKE_VIDEO_FPS", "30").c_str());
    c.bus = env("FAKE_VIDEO_BUS", "usb-0000:00:14.0-1");
    const std::string formats = env("FAKE_VIDEO_FORMATS", "YUYV,MJPG");
    c.formats.clear();
    for (const char* name : {"GREY", "YUYV", "MJPG"}) {
        if (formats.find(name) != std::string::npos) {
            c.formats.push_back(v4l2_fourcc(name[0], name[1], name[2], name[3]));
        }
    }
    parsePlan(c, env("FAKE_VIDEO_PLAN", "show blank 1"));
    const std::string dir = env("FAKE_VIDEO_DIR", ".");
    for (const Step& step : c.plan) {
        if (step.kind == Step::Show && c.images.count(step.name) == 0) {
            Image image;
            image.grey = readPgm(dir + "/" + step.name + ".pgm", c.width, c.height);
            image.jpeg = readFile(dir + "/" + step.name + ".jpg");
            if (image.grey.empty()) {
                logLine(c, "no %s/%s.pgm at %dx%d", dir.c_str(), step.name.c_str(), c.width,
                        c.height);
                image.grey.assign(static_cast<std::size_t>(c.width) * c.height, 128);
            }
            c.images[step.name] = std::move(image);
        }
    }
    char tmpl[] = "/tmp/fake-video-XXXXXX";
    c.root = ::mkdtemp(tmpl) != nullptr ? tmpl : "/tmp";
    for (const std::string& dirPath : {c.root + "/sys", c.root + "/sys/class", sysDir(c),
                                       c.root + "/dev", c.root + "/dev/v4l", byIdDir(c)}) {
        ::mkdir(dirPath.c_str(), 0755);
    }
    publish(c);
    std::atexit(removeTree);
    logLine(c, "ready root=%s", c.root.c_str());
}

Camera& camera() {
    static Camera instance;
    return instance;
}

// The fake tree goes with the process (registered with atexit once the camera exists, so it
// runs before the camera is destroyed).
void removeTree() {
    Camera& c = camera();
    std::lock_guard lock(c.mutex);
    if (!c.ready || c.root.rfind("/tmp/fake-video-", 0) != 0) {
        return;
    }
    ::unlink((byIdDir(c) + "/" + byIdName()).c_str());
    for (const std::string& dir :
         {sysDir(c) + "/" + c.node, byIdDir(c), c.root + "/dev/v4l", c.root + "/dev", sysDir(c),
          c.root + "/sys/class", c.root + "/sys", c.root}) {
        ::rmdir(dir.c_str());
    }
}

void advance(Camera& c);

// Takes the camera's lock, sets it up on first use, and plugs it back in when its time away
// is over (perhaps as another node).
//
// Not before the process has its environment: an ASan-instrumented doorpost starts the ASan
// runtime from its preinit_array, before libc's own initialisation sets `environ`, and the
// runtime's symbolizer already maps memory then (libbacktrace's mmap, reaching this shim through
// the runtime's interceptor). A camera set up at that moment read an empty environment: no
// FAKE_VIDEO_PLAN, FAKE_VIDEO_DIR, FAKE_VIDEO_ABSENT or FAKE_VIDEO_LOG, so it showed a grey
// picture for ever and was present when it should have been absent. Until `environ` exists the
// camera stays unset and every call goes to the system (no camera descriptor can exist yet).
std::unique_lock<std::mutex> locked(Camera& c) {
    std::unique_lock lock(c.mutex);
    if (!c.ready && environ != nullptr) {
        setUp(c);
    }
    if (!c.ready) {
        return lock;
    }
    if (!c.present && Clock::now() >= c.replugAt) {
        c.present = true;
        if (!c.nextNode.empty()) {
            c.node = c.nextNode;
        }
        advance(c);
        publish(c);
        logLine(c, "replugged as %s", c.node.c_str());
    }
    return lock;
}

bool isNode(const Camera& c, const char* path) {
    return path != nullptr && std::strcmp(path, ("/dev/" + c.node).c_str()) == 0;
}

// Paths under /sys/class/video4linux and /dev/v4l are read from the fake tree.
std::string redirect(const Camera& c, const char* path) {
    if (path == nullptr) {
        return {};
    }
    if (!c.ready) {
        return path;
    }
    for (const char* prefix : {"/sys/class/video4linux", "/dev/v4l"}) {
        const std::size_t n = std::strlen(prefix);
        if (std::strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/')) {
            return c.root + path;
        }
    }
    return path;
}

// ---- the plan ----

void advance(Camera& c) {
    c.stepDone = 0;
    ++c.step;
    if (c.step < c.plan.size() && c.plan[c.step].kind == Step::Loop) {
        c.step = 0;
    }
}

// The content of the next frame the camera produces, following the plan; false when the
// camera produces none (stalled, gone).
bool nextFrame(Camera& c, std::string& name, bool& error) {
    error = false;
    while (c.step < c.plan.size()) {
        Step& step = c.plan[c.step];
        switch (step.kind) {
        case Step::Show:
            if (c.stepDone < step.count) {
                ++c.stepDone;
                c.showing = step.name;
                name = step.name;
                if (c.errorsLeft > 0) {
                    --c.errorsLeft;
                    error = true;
                }
                if (c.stepDone == step.count) {
                    advance(c);
                }
                return true;
            }
            advance(c);
            continue;
        case Step::Unplug:
            if (c.present) {
                c.present = false;
                c.replugAt = Clock::now() + std::chrono::milliseconds(step.count);
                c.nextNode = step.name;
                publish(c);
                logLine(c, "unplugged");
            }
            return false;
        case Step::Stall:
            if (!c.stalled) {
                c.stalled = true;
                logLine(c, "stalled");
            }
            return false;
        case Step::Errors:
            c.errorsLeft = step.count;
            advance(c);
            continue;
        case Step::Eio:
            c.eioPending = true;
            advance(c);
            continue;
        case Step::Loop:
            c.step = 0;
            continue;
        }
    }
    if (c.showing.empty()) {
        return false;
    }
    name = c.showing;
    return true;
}

void fill(Camera& c, Buffer& buffer, Image& image) {
    if (c.format == V4L2_PIX_FMT_MJPEG) {
        const std::size_t n = std::min(image.jpeg.size(), buffer.length);
        std::memcpy(buffer.data, image.jpeg.data(), n);
        buffer.used = static_cast<std::uint32_t>(n);
        return;
    }
    const int bpp = c.format == V4L2_PIX_FMT_YUYV ? 2 : 1;
    const std::size_t line = static_cast<std::size_t>(c.width) * bpp + c.pad;
    std::vector<std::uint8_t>& raw = image.raw[c.format];
    if (raw.empty()) {
        raw.assign(line * c.height, 0xEE); // what lies past the picture in each line
        for (int y = 0; y < c.height; ++y) {
            std::uint8_t* out = raw.data() + line * y;
            const std::uint8_t* in = image.grey.data() + static_cast<std::size_t>(c.width) * y;
            for (int x = 0; x < c.width; ++x) {
                if (bpp == 1) {
                    out[x] = in[x];
                } else {
                    out[2 * x] = in[x];
                    out[2 * x + 1] = 128;
                }
            }
        }
    }
    const std::size_t n = std::min(raw.size(), buffer.length);
    std::memcpy(buffer.data, raw.data(), n);
    buffer.used = static_cast<std::uint32_t>(n);
}

Clock::time_point slotTime(const Camera& c, std::uint64_t slot) {
    return c.started + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(static_cast<double>(slot) / c.fps));
}

// Produces every frame that is due by now into the queued buffers.
void produce(Camera& c) {
    if (!c.streaming || !c.present) {
        return;
    }
    const auto now = Clock::now();
    while (slotTime(c, c.produced + 1) <= now) {
        const std::uint64_t slot = ++c.produced;
        std::string name;
        bool error = false;
        if (!nextFrame(c, name, error)) {
            return;
        }
        auto it = std::find_if(c.buffers.begin(), c.buffers.end(),
                               [](const Buffer& b) { return b.queued; });
        if (it == c.buffers.end()) {
            continue; // no buffer to fill: the frame is dropped
        }
        it->queued = false;
        fill(c, *it, c.images[name]);
        it->flags = error ? V4L2_BUF_FLAG_ERROR : 0;
        it->sequence = static_cast<std::uint32_t>(slot - 1); // counted from 0, as drivers do
        it->taken = slotTime(c, slot);
        c.done.push_back(static_cast<int>(it - c.buffers.begin()));
    }
}

void freeBuffers(Camera& c) {
    for (Buffer& b : c.buffers) {
        real<int (*)(void*, size_t)>("munmap")(b.data, b.length);
    }
    c.buffers.clear();
    c.done.clear();
}

void stopStream(Camera& c) {
    c.streaming = false;
    c.done.clear();
    for (Buffer& b : c.buffers) {
        b.queued = false;
    }
}

int fail(int error) {
    errno = error;
    return -1;
}

int cameraIoctl(Camera& c, int fd, unsigned long request, void* arg) {
    if (!c.present) {
        return fail(ENODEV);
    }
    switch (request) {
    case VIDIOC_QUERYCAP: {
        auto* caps = static_cast<v4l2_capability*>(arg);
        std::memset(caps, 0, sizeof *caps);
        std::snprintf(reinterpret_cast<char*>(caps->driver), sizeof caps->driver, "uvcvideo");
        std::snprintf(reinterpret_cast<char*>(caps->card), sizeof caps->card,
                      "Doorpost Fake Camera");
        std::snprintf(reinterpret_cast<char*>(caps->bus_info), sizeof caps->bus_info, "%s",
                      c.bus.c_str());
        caps->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        caps->capabilities = caps->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        auto* desc = static_cast<v4l2_fmtdesc*>(arg);
        if (desc->index >= c.formats.size()) {
            return fail(EINVAL);
        }
        desc->pixelformat = c.formats[desc->index];
        std::snprintf(reinterpret_cast<char*>(desc->description), sizeof desc->description, "%.4s",
                      reinterpret_cast<const char*>(&desc->pixelformat));
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        auto* size = static_cast<v4l2_frmsizeenum*>(arg);
        if (size->index != 0 ||
            std::find(c.formats.begin(), c.formats.end(), size->pixel_format) == c.formats.end()) {
            return fail(EINVAL);
        }
        size->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        size->discrete.width = static_cast<std::uint32_t>(c.width);
        size->discrete.height = static_cast<std::uint32_t>(c.height);
        return 0;
    }
    case VIDIOC_ENUM_FRAMEINTERVALS: {
        auto* interval = static_cast<v4l2_frmivalenum*>(arg);
        if (interval->index != 0) {
            return fail(EINVAL);
        }
        interval->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        interval->discrete.numerator = 1;
        interval->discrete.denominator = static_cast<std::uint32_t>(c.fps);
        return 0;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT: {
        auto* format = static_cast<v4l2_format*>(arg);
        if (format->type != V4L2_BUF_TYPE_VIDEO_CAPTURE) {
            return fail(EINVAL);
        }
        std::uint32_t chosen = format->fmt.pix.pixelformat;
        if (request == VIDIOC_G_FMT ||
            std::find(c.formats.begin(), c.formats.end(), chosen) == c.formats.end()) {
            chosen = request == VIDIOC_G_FMT ? c.format : c.formats.front();
        }
        if (request == VIDIOC_S_FMT) {
            if (c.streaming) {
                return fail(EBUSY);
            }
            c.format = chosen;
            logLine(c, "S_FMT %.4s %dx%d", reinterpret_cast<const char*>(&chosen), c.width,
                    c.height);
        }
        const int bpp = chosen == V4L2_PIX_FMT_YUYV ? 2 : 1;
        format->fmt.pix.pixelformat = chosen;
        format->fmt.pix.width = static_cast<std::uint32_t>(c.width);
        format->fmt.pix.height = static_cast<std::uint32_t>(c.height);
        format->fmt.pix.field = V4L2_FIELD_NONE;
        format->fmt.pix.bytesperline =
            chosen == V4L2_PIX_FMT_MJPEG ? 0 : static_cast<std::uint32_t>(c.width * bpp + c.pad);
        format->fmt.pix.sizeimage = static_cast<std::uint32_t>((c.width * bpp + c.pad) * c.height);
        return 0;
    }
    case VIDIOC_S_PARM:
    case VIDIOC_G_PARM: {
        auto* parm = static_cast<v4l2_streamparm*>(arg);
        parm->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        parm->parm.capture.timeperframe = {1, static_cast<std::uint32_t>(c.fps)};
        return 0;
    }
    case VIDIOC_QUERYCTRL: {
        auto* query = static_cast<v4l2_queryctrl*>(arg);
        if (query->id == V4L2_CID_EXPOSURE_AUTO) {
            query->type = V4L2_CTRL_TYPE_MENU;
            query->minimum = 0;
            query->maximum = 3;
            query->default_value = 1;
            query->flags = 0;
            return 0;
        }
        if (query->id == V4L2_CID_FOCUS_AUTO) {
            query->type = V4L2_CTRL_TYPE_BOOLEAN;
            query->maximum = 1;
            query->flags = 0;
            return 0;
        }
        return fail(EINVAL);
    }
    case VIDIOC_QUERYMENU: {
        auto* item = static_cast<v4l2_querymenu*>(arg);
        // UVC cameras offer manual (1) and aperture priority (3).
        if (item->id == V4L2_CID_EXPOSURE_AUTO && (item->index == 1 || item->index == 3)) {
            return 0;
        }
        return fail(EINVAL);
    }
    case VIDIOC_S_CTRL: {
        auto* control = static_cast<v4l2_control*>(arg);
        logLine(c, "S_CTRL %s=%d",
                control->id == V4L2_CID_EXPOSURE_AUTO ? "exposure_auto"
                : control->id == V4L2_CID_FOCUS_AUTO  ? "focus_auto"
                                                      : "other",
                control->value);
        return 0;
    }
    case VIDIOC_REQBUFS: {
        auto* request = static_cast<v4l2_requestbuffers*>(arg);
        if (request->memory != V4L2_MEMORY_MMAP || (c.streamFd >= 0 && c.streamFd != fd)) {
            return fail(EBUSY);
        }
        stopStream(c);
        freeBuffers(c);
        request->count = std::min<std::uint32_t>(request->count, 8);
        const std::size_t length = static_cast<std::size_t>(c.width * 2 + c.pad) * c.height;
        for (std::uint32_t i = 0; i < request->count; ++i) {
            void* data = real<void* (*)(void*, size_t, int, int, int, off_t)>("mmap")(
                nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            c.buffers.push_back({static_cast<std::uint8_t*>(data), length});
        }
        c.streamFd = request->count > 0 ? fd : -1;
        return 0;
    }
    case VIDIOC_QUERYBUF:
    case VIDIOC_QBUF:
    case VIDIOC_DQBUF: {
        auto* buffer = static_cast<v4l2_buffer*>(arg);
        if (fd != c.streamFd) {
            return fail(EBUSY);
        }
        if (request == VIDIOC_DQBUF) {
            if (c.eioPending) {
                c.eioPending = false;
                c.needReopen = true;
                logLine(c, "EIO");
                return fail(EIO);
            }
            if (c.needReopen) {
                return fail(EIO);
            }
            produce(c);
            if (c.done.empty()) {
                return fail(EAGAIN);
            }
            const int index = c.done.front();
            c.done.pop_front();
            const Buffer& b = c.buffers[static_cast<std::size_t>(index)];
            buffer->index = static_cast<std::uint32_t>(index);
            buffer->bytesused = b.used;
            buffer->flags = b.flags | V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
            buffer->sequence = b.sequence;
            const auto since = b.taken.time_since_epoch();
            buffer->timestamp.tv_sec =
                std::chrono::duration_cast<std::chrono::seconds>(since).count();
            buffer->timestamp.tv_usec =
                std::chrono::duration_cast<std::chrono::microseconds>(since).count() % 1000000;
            buffer->length = static_cast<std::uint32_t>(b.length);
            return 0;
        }
        if (buffer->index >= c.buffers.size()) {
            return fail(EINVAL);
        }
        Buffer& b = c.buffers[buffer->index];
        if (request == VIDIOC_QUERYBUF) {
            buffer->length = static_cast<std::uint32_t>(b.length);
            buffer->m.offset = buffer->index * 0x100000u;
            return 0;
        }
        b.queued = true;
        return 0;
    }
    case VIDIOC_STREAMON:
        if (fd != c.streamFd || c.needReopen) {
            return fail(c.needReopen ? EIO : EBUSY);
        }
        c.streaming = true;
        c.started = Clock::now();
        c.produced = 0;
        if (c.stalled) {
            c.stalled = false;
            advance(c);
        }
        logLine(c, "STREAMON");
        return 0;
    case VIDIOC_STREAMOFF:
        stopStream(c);
        return 0;
    default:
        return fail(ENOTTY);
    }
}

int openCamera(Camera& c, const char* path, int flags) {
    if (c.absent || !c.present || !isNode(c, path)) {
        return fail(ENOENT);
    }
    const int fd = real<int (*)(const char*, int, ...)>("open")("/dev/null", flags & O_CLOEXEC);
    if (fd >= 0) {
        c.fds.insert(fd);
        if (c.needReopen) {
            c.needReopen = false; // the reset is over
        }
        logLine(c, "open %s", path);
    }
    return fd;
}

bool isVideoPath(const char* path) {
    return path != nullptr && std::strncmp(path, "/dev/video", 10) == 0;
}

int openAny(const char* name, const char* path, int flags, mode_t mode) {
    if (isVideoPath(path)) {
        Camera& c = camera();
        auto lock = locked(c);
        if (c.ready) {
            return openCamera(c, path, flags);
        }
    }
    return real<int (*)(const char*, int, ...)>(name)(path, flags, mode);
}

bool isCameraFd(Camera& c, int fd) {
    return c.fds.count(fd) != 0;
}

// A system call is over before fork() copies the process, so a kernel never leaves a forked
// child holding half a call. This shim holds its lock across its calls (every close, mmap,
// poll, ... of the process goes through it): a thread inside one while another thread forks
// (doorpost forks its decoder's worker from a threaded process) would leave the child's copy of
// the lock taken for ever, and the worker would hang on its first close(). So fork waits for
// the call in progress, as it would for a kernel's.
void lockForFork() {
    camera().mutex.lock();
}
void unlockAfterFork() {
    camera().mutex.unlock();
}
__attribute__((constructor)) void registerForkHandlers() {
    pthread_atfork(lockForFork, unlockAfterFork, unlockAfterFork);
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) int open(const char* path, int flags, ...) {
    mode_t mode = 0;
    if ((flags & (O_CREAT | O_TMPFILE)) != 0) {
        va_list args;
        va_start(args, flags);
        mode = static_cast<mode_t>(va_arg(args, int));
        va_end(args);
    }
    return openAny("open", path, flags, mode);
}

__attribute__((visibility("default"))) int open64(const char* path, int flags, ...) {
    mode_t mode = 0;
    if ((flags & (O_CREAT | O_TMPFILE)) != 0) {
        va_list args;
        va_start(args, flags);
        mode = static_cast<mode_t>(va_arg(args, int));
        va_end(args);
    }
    return openAny("open64", path, flags, mode);
}

__attribute__((visibility("default"))) int __open_2(const char* path, int flags) {
    return openAny("open", path, flags, 0);
}

__attribute__((visibility("default"))) int __open64_2(const char* path, int flags) {
    return openAny("open64", path, flags, 0);
}

__attribute__((visibility("default"))) int close(int fd) {
    {
        Camera& c = camera();
        auto lock = locked(c);
        if (isCameraFd(c, fd)) {
            c.fds.erase(fd);
            if (fd == c.streamFd) {
                stopStream(c);
                freeBuffers(c);
                c.streamFd = -1;
            }
        }
    }
    return real<int (*)(int)>("close")(fd);
}

__attribute__((visibility("default"))) int ioctl(int fd, unsigned long request, ...) {
    va_list args;
    va_start(args, request);
    void* arg = va_arg(args, void*);
    va_end(args);
    {
        Camera& c = camera();
        auto lock = locked(c);
        if (isCameraFd(c, fd)) {
            return cameraIoctl(c, fd, request, arg);
        }
    }
    return real<int (*)(int, unsigned long, void*)>("ioctl")(fd, request, arg);
}

__attribute__((visibility("default"))) void* mmap(void* address, size_t length, int prot, int flags,
                                                  int fd, off_t offset) {
    {
        Camera& c = camera();
        auto lock = locked(c);
        if (isCameraFd(c, fd)) {
            const std::size_t index = static_cast<std::size_t>(offset) / 0x100000u;
            if (!c.present || fd != c.streamFd || index >= c.buffers.size() ||
                length > c.buffers[index].length) {
                errno = c.present ? EINVAL : ENODEV;
                return MAP_FAILED;
            }
            return c.buffers[index].data; // the driver's buffer, shared with the reader
        }
    }
    return real<void* (*)(void*, size_t, int, int, int, off_t)>("mmap")(address, length, prot,
                                                                        flags, fd, offset);
}

__attribute__((visibility("default"))) int munmap(void* address, size_t length) {
    {
        Camera& c = camera();
        auto lock = locked(c);
        for (const Buffer& b : c.buffers) {
            if (b.data == address) {
                return 0; // released with the buffers (REQBUFS 0 or close)
            }
        }
    }
    return real<int (*)(void*, size_t)>("munmap")(address, length);
}

__attribute__((visibility("default"))) int poll(struct pollfd* fds, nfds_t count, int timeout) {
    Camera& c = camera();
    bool ours = false;
    {
        auto lock = locked(c);
        ours = count == 1 && isCameraFd(c, fds[0].fd);
    }
    if (!ours) {
        return real<int (*)(struct pollfd*, nfds_t, int)>("poll")(fds, count, timeout);
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout < 0 ? 3600000 : timeout);
    for (;;) {
        Clock::time_point wake;
        {
            auto lock = locked(c);
            fds[0].revents = 0;
            if (!c.present || c.needReopen) {
                fds[0].revents = POLLERR | POLLHUP;
                return 1;
            }
            produce(c);
            if (!c.done.empty() || c.eioPending) {
                fds[0].revents = POLLIN | POLLRDNORM;
                return 1;
            }
            if (!c.present) {
                fds[0].revents = POLLERR | POLLHUP;
                return 1;
            }
            wake = c.streaming && !c.stalled ? slotTime(c, c.produced + 1)
                                             : Clock::now() + std::chrono::milliseconds(20);
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            return 0;
        }
        std::this_thread::sleep_until(std::min(wake, deadline));
    }
}

__attribute__((visibility("default"))) DIR* opendir(const char* path) {
    std::string target;
    {
        Camera& c = camera();
        auto lock = locked(c);
        target = redirect(c, path);
    }
    return real<DIR* (*)(const char*)>("opendir")(target.c_str());
}

__attribute__((visibility("default"))) ssize_t readlink(const char* path, char* buffer,
                                                        size_t size) {
    std::string target;
    {
        Camera& c = camera();
        auto lock = locked(c);
        target = redirect(c, path);
    }
    return real<ssize_t (*)(const char*, char*, size_t)>("readlink")(target.c_str(), buffer, size);
}

__attribute__((visibility("default"))) ssize_t __readlink_chk(const char* path, char* buffer,
                                                              size_t size, size_t) {
    return readlink(path, buffer, size);
}

__attribute__((visibility("default"))) int access(const char* path, int mode) {
    if (isVideoPath(path)) {
        Camera& c = camera();
        auto lock = locked(c);
        if (c.ready) {
            if (c.present && !c.absent && isNode(c, path)) {
                return 0;
            }
            return fail(ENOENT);
        }
    }
    return real<int (*)(const char*, int)>("access")(path, mode);
}

} // extern "C"
