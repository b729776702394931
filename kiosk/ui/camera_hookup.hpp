#pragma once
// Wires a camera's capture thread (app::CameraFeed) to the screens: reads go to the gate with
// the door screen showing "recording" and then the verdict; the camera chip and the preview
// follow the feed; scripts' `camera plug|unplug` act on it. For `doorpost run` and the tests.

#include "kiosk/app/camera_feed.hpp"
#include "kiosk/app/ports.hpp"

#include <memory>

namespace doorpost::drivers::camera {
class FrameSource;
}

namespace doorpost::kiosk::ui {

class App;

// The capture thread for `source`, decoding in an isolated worker: reads go to `gate` (none:
// preview only). Declare it after the app: its thread posts to the app's queue, so it must stop
// first. Call start() after app.start().
std::unique_ptr<app::CameraFeed>
makeCameraFeed(App& app, app::GatePort* gate, std::unique_ptr<drivers::camera::FrameSource> source);

} // namespace doorpost::kiosk::ui
