#include "kiosk/ui/camera_hookup.hpp"

#include "drivers/camera/frame_source.hpp"
#include "drivers/decode/isolated_decoder.hpp"
#include "kiosk/ui/app.hpp"
#include "kiosk/ui/ui_model.hpp"

#include <chrono>
#include <utility>

namespace doorpost::kiosk::ui {

std::unique_ptr<app::CameraFeed>
makeCameraFeed(App& app, app::GatePort* gate,
               std::unique_ptr<drivers::camera::FrameSource> source) {
    // Every callback below runs on the capture thread: each only posts to the UI thread's queue
    // (shared, because the gate may answer after the app has gone) or hands a read to the gate.
    std::shared_ptr<UiQueue> queue = app.sharedQueue();
    app::CameraEvents events;
    if (gate != nullptr) {
        events.onRead = [gate, queue](app::CodeRead read) {
            queue->post([](UiModel& m) { beginGateRequest(m, GateRequest::Read); });
            gate->submitRead(std::move(read), [queue](Result<app::VerdictView> verdict) {
                queue->post([verdict](UiModel& m) {
                    applyVerdict(m, verdict, std::chrono::steady_clock::now());
                });
            });
        };
    }
    events.onState = [queue](app::DeviceState state, const std::string& detail) {
        queue->post([state, detail](UiModel& m) {
            m.camera.state = state;
            m.camera.detail = detail;
        });
    };
    events.onPreview = [queue](std::shared_ptr<const app::PreviewFrame> preview) {
        queue->post([preview = std::move(preview)](UiModel& m) { m.preview = preview; });
    };
    auto feed = std::make_unique<app::CameraFeed>(
        std::move(source), std::make_unique<drivers::decode::IsolatedDecoder>(), std::move(events));
    app.setCameraControl(feed.get());
    return feed;
}

} // namespace doorpost::kiosk::ui
