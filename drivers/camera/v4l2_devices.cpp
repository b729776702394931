#include "drivers/camera/v4l2_devices.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <map>
#include <unistd.h>

namespace doorpost::drivers::camera {
namespace {

std::string fourccText(std::uint32_t code) {
    std::string text;
    for (int i = 0; i < 4; ++i) {
        const char c = static_cast<char>((code >> (8 * i)) & 0xFF);
        if (c != ' ' && c != '\0') {
            text += c;
        }
    }
    return text;
}

std::string fixedText(const std::uint8_t* text, std::size_t size) {
    const auto* begin = reinterpret_cast<const char*>(text);
    return std::string(begin, strnlen(begin, size));
}

bool doorFormat(const std::string& fourcc) {
    return fourcc == "GREY" || fourcc == "YUYV" || fourcc == "MJPG";
}

// Directory entries (names only), through plain opendir/readdir so a test's LD_PRELOAD shim
// can present a fake tree.
std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> names;
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
        return names;
    }
    while (const dirent* entry = ::readdir(handle)) {
        if (entry->d_name[0] != '.') {
            names.emplace_back(entry->d_name);
        }
    }
    ::closedir(handle);
    return names;
}

int nodeNumber(const std::string& node) {
    return node.size() > 5 ? std::atoi(node.c_str() + 5) : INT_MAX;
}

// /dev/v4l/by-id/NAME -> the node it points at ("video0").
std::map<std::string, std::string> byIdNames(const std::string& dir) {
    std::map<std::string, std::string> byNode;
    std::vector<std::string> names = entries(dir);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
        char target[PATH_MAX] = {};
        const ssize_t length = ::readlink((dir + "/" + name).c_str(), target, sizeof target - 1);
        if (length <= 0) {
            continue;
        }
        std::string node(target, static_cast<std::size_t>(length));
        node = node.substr(node.find_last_of('/') + 1);
        byNode.try_emplace(node, name); // "-index0" sorts first: the capture node's name
    }
    return byNode;
}

void askDevice(V4l2Io& io, V4l2DeviceInfo& info) {
    const int fd = io.open(info.path.c_str(), O_RDWR | O_NONBLOCK);
    if (fd < 0) {
        info.error = std::strerror(errno);
        return;
    }
    v4l2_capability caps{};
    if (io.ioctl(fd, VIDIOC_QUERYCAP, &caps) < 0) {
        info.error = std::string("VIDIOC_QUERYCAP: ") + std::strerror(errno);
        io.close(fd);
        return;
    }
    info.card = fixedText(caps.card, sizeof caps.card);
    info.driver = fixedText(caps.driver, sizeof caps.driver);
    info.busInfo = fixedText(caps.bus_info, sizeof caps.bus_info);
    const std::uint32_t deviceCaps =
        (caps.capabilities & V4L2_CAP_DEVICE_CAPS) != 0 ? caps.device_caps : caps.capabilities;
    info.capture =
        (deviceCaps & V4L2_CAP_VIDEO_CAPTURE) != 0 && (deviceCaps & V4L2_CAP_STREAMING) != 0;
    for (std::uint32_t index = 0; info.capture && index < 64; ++index) {
        v4l2_fmtdesc desc{};
        desc.index = index;
        desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (io.ioctl(fd, VIDIOC_ENUM_FMT, &desc) < 0) {
            break;
        }
        V4l2FormatInfo format;
        format.fourcc = fourccText(desc.pixelformat);
        format.description = fixedText(desc.description, sizeof desc.description);
        for (std::uint32_t s = 0; s < 64; ++s) {
            v4l2_frmsizeenum size{};
            size.index = s;
            size.pixel_format = desc.pixelformat;
            if (io.ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &size) < 0) {
                break;
            }
            FrameSize entry;
            if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
                entry.width = static_cast<int>(size.discrete.width);
                entry.height = static_cast<int>(size.discrete.height);
            } else {
                entry.width = static_cast<int>(size.stepwise.max_width);
                entry.height = static_cast<int>(size.stepwise.max_height);
            }
            for (std::uint32_t r = 0; r < 32; ++r) {
                v4l2_frmivalenum interval{};
                interval.index = r;
                interval.pixel_format = desc.pixelformat;
                interval.width = static_cast<std::uint32_t>(entry.width);
                interval.height = static_cast<std::uint32_t>(entry.height);
                if (io.ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &interval) < 0 ||
                    interval.type != V4L2_FRMIVAL_TYPE_DISCRETE ||
                    interval.discrete.numerator == 0) {
                    break;
                }
                entry.fps.push_back(static_cast<double>(interval.discrete.denominator) /
                                    interval.discrete.numerator);
            }
            format.sizes.push_back(std::move(entry));
            if (size.type != V4L2_FRMSIZE_TYPE_DISCRETE) {
                break;
            }
        }
        info.formats.push_back(std::move(format));
    }
    io.close(fd);
}

} // namespace

bool V4l2DeviceInfo::usable() const {
    if (!capture) {
        return false;
    }
    for (const auto& format : formats) {
        if (!doorFormat(format.fourcc)) {
            continue;
        }
        for (const auto& size : format.sizes) {
            if (size.width >= 640 && size.height >= 480) {
                return true;
            }
        }
    }
    return false;
}

bool V4l2DeviceInfo::preferred() const {
    for (const auto& format : formats) {
        if (!doorFormat(format.fourcc)) {
            continue;
        }
        for (const auto& size : format.sizes) {
            if (size.width == 1280 && size.height == 720 &&
                (size.fps.empty() || std::any_of(size.fps.begin(), size.fps.end(),
                                                 [](double f) { return f >= 29.0; }))) {
                return capture;
            }
        }
    }
    return false;
}

std::string V4l2DeviceInfo::stableId() const {
    if (!byId.empty()) {
        return "by-id:" + byId;
    }
    if (!busInfo.empty()) {
        return "bus:" + busInfo;
    }
    return path;
}

std::vector<V4l2DeviceInfo> listV4l2Devices(V4l2Io& io, const V4l2Paths& paths) {
    std::vector<std::string> nodes;
    for (const std::string& name : entries(paths.sysClass)) {
        if (name.rfind("video", 0) == 0) {
            nodes.push_back(name);
        }
    }
    std::sort(nodes.begin(), nodes.end(), [](const std::string& a, const std::string& b) {
        return nodeNumber(a) < nodeNumber(b);
    });
    const auto byId = byIdNames(paths.byId);
    std::vector<V4l2DeviceInfo> devices;
    for (const std::string& node : nodes) {
        V4l2DeviceInfo info;
        info.node = node;
        info.path = paths.dev + "/" + node;
        if (const auto it = byId.find(node); it != byId.end()) {
            info.byId = it->second;
        }
        askDevice(io, info);
        devices.push_back(std::move(info));
    }
    return devices;
}

int chooseAutoCamera(const std::vector<V4l2DeviceInfo>& devices) {
    int first = -1;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        if (devices[i].preferred()) {
            return static_cast<int>(i);
        }
        if (first < 0 && devices[i].usable()) {
            first = static_cast<int>(i);
        }
    }
    return first;
}

bool isV4l2Spec(const std::string& spec) {
    return spec == "auto" || spec.rfind("/dev/", 0) == 0 || spec.rfind("by-id:", 0) == 0 ||
           spec.rfind("bus:", 0) == 0;
}

CameraLocator::CameraLocator(std::string spec, V4l2Paths paths)
    : m_spec(std::move(spec)), m_paths(std::move(paths)), m_io(makeSystemV4l2Io()) {}

DriverResult<std::string> CameraLocator::resolve() {
    const std::vector<V4l2DeviceInfo> devices = listV4l2Devices(*m_io, m_paths);
    auto matches = [&](const V4l2DeviceInfo& device) {
        if (!m_pinnedById.empty() && device.byId == m_pinnedById) {
            return true;
        }
        return !m_pinnedBus.empty() && device.busInfo == m_pinnedBus && device.capture;
    };
    const V4l2DeviceInfo* found = nullptr;
    if (!m_pinnedId.empty()) {
        for (const auto& device : devices) {
            if (matches(device)) {
                found = &device;
                break;
            }
        }
        if (found == nullptr) {
            return DriverError{DriverErrorKind::NotFound,
                               "camera " + m_pinnedId + " is not plugged in"};
        }
        return found->path;
    }
    if (m_spec == "auto") {
        const int chosen = chooseAutoCamera(devices);
        if (chosen < 0) {
            return DriverError{DriverErrorKind::NotFound,
                               devices.empty() ? "no camera found"
                                               : "no camera offers GREY, YUYV or MJPEG at 640x480"};
        }
        found = &devices[static_cast<std::size_t>(chosen)];
    } else {
        for (const auto& device : devices) {
            if (device.path == m_spec || "by-id:" + device.byId == m_spec ||
                "bus:" + device.busInfo == m_spec || "/dev/v4l/by-id/" + device.byId == m_spec) {
                found = &device;
                break;
            }
        }
        if (found == nullptr) {
            if (m_spec.rfind("/dev/video", 0) == 0 && ::access(m_spec.c_str(), F_OK) == 0) {
                return m_spec; // not listed under /sys (a loopback or odd driver): open it as named
            }
            return DriverError{DriverErrorKind::NotFound, m_spec + " is not plugged in"};
        }
    }
    m_pinnedBus = found->busInfo;
    m_pinnedById = found->byId;
    m_pinnedId = found->stableId();
    return found->path;
}

} // namespace doorpost::drivers::camera
