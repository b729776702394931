#pragma once
// The V4L2 cameras a machine has, as an installer and the kiosk see them: every
// /sys/class/video4linux/videoN that is a streaming capture device, with its card name, driver,
// bus, stable /dev/v4l/by-id name, and the formats and sizes it offers (VIDIOC_QUERYCAP,
// ENUM_FMT, ENUM_FRAMESIZES, ENUM_FRAMEINTERVALS). And which of them a kiosk opens: "auto",
// a node, or a stable id, followed across re-plugs that renumber the node.
//
// Threads: no state is shared; a CameraLocator is used by the capture thread only.

#include "drivers/camera/v4l2_io.hpp"
#include "storage/base/driver_error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace doorpost::drivers::camera {

struct FrameSize {
    int width = 0;
    int height = 0;
    std::vector<double> fps; // discrete rates offered at this size (empty: not enumerated)
};

struct V4l2FormatInfo {
    std::string fourcc; // "YUYV", "MJPG", "GREY", ...
    std::string description;
    std::vector<FrameSize> sizes; // discrete sizes; a stepwise range gives its largest
};

struct V4l2DeviceInfo {
    std::string path;     // /dev/video0
    std::string node;     // video0
    std::string byId;     // the /dev/v4l/by-id name pointing at it, or empty
    std::string card;     // VIDIOC_QUERYCAP card: "HD Pro Webcam C920"
    std::string driver;   // "uvcvideo"
    std::string busInfo;  // "usb-0000:00:14.0-1": the port, stable across re-plugs there
    bool capture = false; // a streaming video capture node (UVC metadata nodes are not)
    std::vector<V4l2FormatInfo> formats;
    std::string error; // why it could not be asked (busy, permission), else empty

    // Offers GREY, YUYV or MJPEG at 640x480 or more: a camera the door can read codes with.
    bool usable() const;
    // Offers one of those formats at 1280x720 and 30 fps (the door's preferred mode).
    bool preferred() const;
    // The identity a choice is remembered by: "by-id:NAME", else "bus:BUSINFO", else the path.
    std::string stableId() const;
};

struct V4l2Paths {
    std::string sysClass = "/sys/class/video4linux";
    std::string byId = "/dev/v4l/by-id";
    std::string dev = "/dev";
};

// Every video4linux node, capture or not, in node-number order.
std::vector<V4l2DeviceInfo> listV4l2Devices(V4l2Io& io, const V4l2Paths& paths = {});

// The camera "auto" takes: the first usable capture device, preferring one with 1280x720 at
// 30 fps. -1 when there is none.
int chooseAutoCamera(const std::vector<V4l2DeviceInfo>& devices);

// Whether `spec` names a V4L2 camera: "auto", "/dev/...", "by-id:NAME", "bus:INFO".
bool isV4l2Spec(const std::string& spec);

// Turns a camera spec into the node to open, each time the source (re)opens. The first camera
// found is pinned by its bus and by-id name, so after a re-plug that gives it another node
// number it is found again, and "auto" does not wander to another camera plugged in meanwhile.
class CameraLocator {
public:
    CameraLocator(std::string spec, V4l2Paths paths = {});

    // The node to open now; NotFound while the camera is not there.
    DriverResult<std::string> resolve();
    const std::string& spec() const { return m_spec; }
    // The camera this locator holds to, once found ("by-id:..." or "bus:..."), else empty.
    const std::string& pinned() const { return m_pinnedId; }

private:
    std::string m_spec;
    V4l2Paths m_paths;
    std::unique_ptr<V4l2Io> m_io;
    std::string m_pinnedBus;
    std::string m_pinnedById;
    std::string m_pinnedId;
};

} // namespace doorpost::drivers::camera
