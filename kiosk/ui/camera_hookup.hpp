#pragma once
// Wires a camera's capture thread (app::CameraFeed) to the screens: reads go to the gate with
// the door screen showing "recording" and then the verdict; the camera chip, its hints and the
// preview follow the feed; scripts' `camera plug|unplug` act on it. For `doorpost run`, the
// door benchmark and the tests.

#include "kiosk/app/camera_feed.hpp"
#include "kiosk/app/ports.hpp"

#include <functional>
#include <memory>

namespace doorpost::drivers::camera {
class FrameSource;
}

namespace doorpost::kiosk::ui {

class App;
class UiQueue;

// The capture thread for `source`, decoding in an isolated worker: reads go to `gate` (none:
// preview only). Declare it after the app: its thread posts to the app's queue, so it must stop
// first. Call start() after app.start(). `onRead`, when given, also sees each read (on the
// capture thread, before it goes to the gate): the door benchmark times reads with it.
// A read from a device thread (camera or scanner) to the gate: the door screen shows
// "recording" until the verdict, posted back to the UI thread, replaces it.
void submitDeviceRead(const std::shared_ptr<UiQueue>& queue, app::GatePort& gate,
                      app::CodeRead read);

std::unique_ptr<app::CameraFeed>
makeCameraFeed(App& app, app::GatePort* gate, std::unique_ptr<drivers::camera::FrameSource> source,
               app::CameraFeedConfig config = {},
               std::function<void(const app::CodeRead&)> onRead = {});

} // namespace doorpost::kiosk::ui
