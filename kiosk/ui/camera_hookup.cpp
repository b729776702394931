#include "kiosk/ui/camera_hookup.hpp"

#include "drivers/camera/frame_source.hpp"
#include "kiosk/ui/app.hpp"
#include "kiosk/ui/ui_model.hpp"

#include <chrono>
#include <utility>

namespace doorpost::kiosk::ui {

void submitDeviceRead(const std::shared_ptr<UiQueue>& queue, app::GatePort& gate,
                      app::CodeRead read) {
    queue->post([](UiModel& m) { beginGateRequest(m, GateRequest::Read); });
    gate.submitRead(std::move(read), [queue](Result<app::VerdictView> verdict) {
        queue->post(
            [verdict](UiModel& m) { applyVerdict(m, verdict, std::chrono::steady_clock::now()); });
    });
}

std::unique_ptr<app::CameraFeed>
makeCameraFeed(App& app, app::GatePort* gate, std::unique_ptr<drivers::camera::FrameSource> source,
               app::CameraFeedConfig config, std::function<void(const app::CodeRead&)> onRead) {
    // Every callback below runs on the capture thread: each only posts to the UI thread's queue
    // (shared, because the gate may answer after the app has gone) or hands a read to the gate.
    std::shared_ptr<UiQueue> queue = app.sharedQueue();
    app::CameraEvents events;
    if (gate != nullptr) {
        events.onRead = [gate, queue, onRead = std::move(onRead)](app::CodeRead read) {
            if (onRead) {
                onRead(read);
            }
            submitDeviceRead(queue, *gate, std::move(read));
        };
    }
    events.onState = [queue](app::DeviceState state, const std::string& detail) {
        queue->post([state, detail](UiModel& m) {
            m.camera.state = state;
            m.camera.detail = detail;
            if (state != app::DeviceState::Ok) {
                m.camera.hints.clear(); // they described a picture that is no longer there
            }
        });
    };
    events.onPreview = [queue](std::shared_ptr<const app::PreviewFrame> preview) {
        // One frame: a new preview repaints its panel and moves nothing else.
        queue->post([preview = std::move(preview)](UiModel& m) { m.preview = preview; }, 1);
    };
    events.onHints = [queue](std::vector<std::string> hints) {
        queue->post([hints = std::move(hints)](UiModel& m) { m.camera.hints = hints; });
    };
    auto feed =
        std::make_unique<app::CameraFeed>(std::move(source), std::move(events), std::move(config));
    app.setCameraControl(feed.get());
    return feed;
}

} // namespace doorpost::kiosk::ui
