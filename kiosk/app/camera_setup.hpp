#pragma once
// The frame source a run names (`doorpost run --camera ...`), for `doorpost run`, the staff
// screen's camera choice, the benchmarks and the tests alike. The capture thread over it is
// wired to the gate and the screens by kiosk/ui/camera_hookup.hpp.
//
//   auto               the first V4L2 camera that can read codes (v4l2_devices.hpp), held to
//                      by its stable identity once found; none yet: the door runs without
//   /dev/videoN        that node (then followed by its bus identity across re-plugs)
//   by-id:NAME         /dev/v4l/by-id/NAME, the camera's stable name
//   bus:INFO           the camera on that USB port (VIDIOC_QUERYCAP bus_info)
//   synthetic          rendered codes held up at a door (demo)
//   replay:DIR         recorded frames: a folder of images or a .y4m file

#include "drivers/synthetic/synthetic_source.hpp"
#include "storage/base/result.hpp"

#include <memory>
#include <string>
#include <vector>

namespace doorpost::drivers::camera {
class FrameSource;
}

namespace doorpost::kiosk::app {

// People holding up exam admission tickets in turn, as a camera at the door would see them.
drivers::synthetic::SyntheticConfig doorSyntheticConfig();

struct CameraChoice {
    enum class Kind { Synthetic, Replay, V4l2 };
    Kind kind = Kind::Synthetic;
    drivers::synthetic::SyntheticConfig synthetic = doorSyntheticConfig(); // Kind::Synthetic
    std::string replayPath; // Kind::Replay: a folder or .y4m
    std::string device;     // Kind::V4l2: auto, /dev/videoN, by-id:NAME or bus:INFO
    int width = 1280;       // Kind::V4l2: the size and rate asked of the camera
    int height = 720;
    int fps = 30;
};

// Parses a --camera value (the forms above). BadInput naming --camera otherwise.
Result<CameraChoice> parseCameraSpec(const std::string& spec);
// The spec a choice was made from ("synthetic", "replay:DIR", "auto", ...).
std::string cameraSpec(const CameraChoice& choice);

// BadInput naming --replay when the path is not there (the source itself reports later faults
// on its own thread, as an unplugged camera). A V4L2 camera that is not there is no error: the
// source waits for it.
Result<std::unique_ptr<drivers::camera::FrameSource>> makeFrameSource(const CameraChoice& choice);

// What staff can choose between on the staff screen: the cameras plugged in now (by stable
// id), "auto", and the demo sources this run was given.
std::vector<std::string> cameraChoices(const std::string& current);

} // namespace doorpost::kiosk::app
