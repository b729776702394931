#pragma once
// The frame source a run names (synthetic or replay), for `doorpost run` and the tests alike.
// The capture thread over it is wired to the gate and the screens by kiosk/ui/camera_hookup.hpp.

#include "drivers/synthetic/synthetic_source.hpp"
#include "storage/base/result.hpp"

#include <memory>
#include <string>

namespace doorpost::drivers::camera {
class FrameSource;
}

namespace doorpost::kiosk::app {

// People holding up exam admission tickets in turn, as a camera at the door would see them.
drivers::synthetic::SyntheticConfig doorSyntheticConfig();

struct CameraChoice {
    enum class Kind { Synthetic, Replay };
    Kind kind = Kind::Synthetic;
    drivers::synthetic::SyntheticConfig synthetic = doorSyntheticConfig(); // Kind::Synthetic
    std::string replayPath; // Kind::Replay: a folder or .y4m
};

// BadInput naming --replay when the path is not there (the source itself reports later faults
// on its own thread, as an unplugged camera).
Result<std::unique_ptr<drivers::camera::FrameSource>> makeFrameSource(const CameraChoice& choice);

} // namespace doorpost::kiosk::app
