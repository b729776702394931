#pragma once
// The one place a kiosk's camera is put together, for `doorpost run` and the tests alike: the
// frame source a run names (synthetic or replay), the isolated decoder, and the capture thread
// wired to the gate and to the app's queue.

#include "drivers/synthetic_source.hpp"
#include "kiosk/ui/camera_feed.hpp"
#include "storage/result.hpp"

#include <memory>
#include <string>

namespace doorpost::drivers {
class FrameSource;
}

namespace doorpost::kiosk::ui {

class App;

// People holding up exam admission tickets in turn, as a camera at the door would see them.
drivers::SyntheticConfig doorSyntheticConfig();

struct CameraChoice {
    enum class Kind { Synthetic, Replay };
    Kind kind = Kind::Synthetic;
    drivers::SyntheticConfig synthetic = doorSyntheticConfig(); // Kind::Synthetic
    std::string replayPath;                                     // Kind::Replay: a folder or .y4m
};

// BadInput naming --replay when the path is not there (the source itself reports later faults
// on its own thread, as an unplugged camera).
Result<std::unique_ptr<drivers::FrameSource>> makeFrameSource(const CameraChoice& choice);

// The capture thread for `source`: reads go to `gate` (none: preview only), the app's camera
// chip follows it, and scripts' `camera plug|unplug` act on it. Declare it after the app: its
// thread posts to the app's queue, so it must stop first. Call start() after app.start().
std::unique_ptr<CameraFeed> makeCameraFeed(App& app, GatePort* gate,
                                           std::unique_ptr<drivers::FrameSource> source);

} // namespace doorpost::kiosk::ui
