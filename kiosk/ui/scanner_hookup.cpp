#include "kiosk/ui/scanner_hookup.hpp"

#include "kiosk/app/camera_setup.hpp"
#include "kiosk/ui/app.hpp"
#include "kiosk/ui/camera_hookup.hpp"
#include "kiosk/ui/ui_model.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace doorpost::kiosk::ui {

std::unique_ptr<app::ScannerService> makeScannerService(App& app, app::GatePort* gate,
                                                        std::string cameraChoice) {
    // Every callback runs on the USB watcher's or a scanner reader's thread: each only posts to
    // the UI thread's queue or hands a read to the gate.
    std::shared_ptr<UiQueue> queue = app.sharedQueue();
    app::ScannerEvents events;
    if (gate != nullptr) {
        events.onRead = [gate, queue](app::CodeRead read) {
            submitDeviceRead(queue, *gate, std::move(read));
        };
    }
    events.onState = [queue](app::DeviceState state, const std::string& detail) {
        queue->post([state, detail](UiModel& m) {
            m.scanner.state = state;
            m.scanner.detail = detail;
        });
    };
    events.onDevices = [queue, cameraChoice](std::vector<std::string> scanners,
                                             bool camerasChanged) {
        // Listing cameras opens their nodes: done here, on the watcher thread, never on the UI's.
        std::optional<std::vector<std::string>> cameras;
        if (camerasChanged) {
            cameras = app::cameraChoices(cameraChoice);
        }
        queue->post([scanners = std::move(scanners), cameras = std::move(cameras)](UiModel& m) {
            m.scannerChoices = scanners;
            if (cameras) {
                m.cameraChoices = *cameras;
                if (std::find(m.cameraChoices.begin(), m.cameraChoices.end(), m.cameraChoice) ==
                    m.cameraChoices.end()) {
                    m.cameraChoices.push_back(m.cameraChoice);
                }
            }
        });
    };
    return std::make_unique<app::ScannerService>(std::move(events));
}

} // namespace doorpost::kiosk::ui
