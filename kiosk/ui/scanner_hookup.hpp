#pragma once
// Wires the USB scanners (app::ScannerService) to the screens: reads go to the gate as a
// camera's do, the scanner chip follows the scanners, and the staff screen's lists of cameras
// and scanners follow hot-plug. For `doorpost run` and the tests.

#include "kiosk/app/ports.hpp"
#include "kiosk/app/scanner_service.hpp"

#include <memory>

namespace doorpost::kiosk::ui {

class App;

// Declare it after the app: its threads post to the app's queue, so it must stop first. Call
// start() after app.start(); a failure leaves the kiosk with keyboard-wedge scanners only.
std::unique_ptr<app::ScannerService> makeScannerService(App& app, app::GatePort* gate,
                                                        std::string cameraChoice);

} // namespace doorpost::kiosk::ui
