#pragma once
// CameraFeed: the capture thread between a drivers::camera::FrameSource and the kiosk. It pulls
// frames, decodes them in the isolated decoder, and tells the kiosk (CameraEvents) only what it
// needs: new reads, a scaled-down preview a few times a second and the camera chip's state.
// Unplugging (real, or pulled from a script through CameraControl) turns the chip red; the
// thread keeps trying and reading resumes when the camera is back.

#include "kiosk/app/ports.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace doorpost::drivers::camera {
class FrameSource;
}
namespace doorpost::drivers::decode {
class IsolatedDecoder;
}

namespace doorpost::kiosk::app {

struct CameraFeedConfig {
    int previewMaxWidth = 640;
    std::chrono::milliseconds previewInterval{66}; // ~15 previews a second at most
    std::chrono::milliseconds repeatWindow{3000};  // the same code again within this is one read
    std::chrono::milliseconds retryInterval{500};  // reopen attempts while the camera is away
};

// What the feed tells the kiosk. Threads meet here: every callback runs on the capture thread
// and must only hand over (the UI posts to its queue, the gate takes a request); none may wait.
struct CameraEvents {
    std::function<void(CodeRead)> onRead; // a new read (not a repeat of the code in view)
    std::function<void(DeviceState, const std::string&)> onState; // on each change of state
    std::function<void(std::shared_ptr<const PreviewFrame>)> onPreview;
};

class CameraFeed final : public CameraControl {
public:
    // `decoder` may be null (preview only).
    CameraFeed(std::unique_ptr<drivers::camera::FrameSource> source,
               std::unique_ptr<drivers::decode::IsolatedDecoder> decoder, CameraEvents events,
               CameraFeedConfig config = {});
    ~CameraFeed() override; // stops and joins the thread
    CameraFeed(const CameraFeed&) = delete;
    CameraFeed& operator=(const CameraFeed&) = delete;

    void start();
    // Any thread: simulates pulling the camera's cable out (false) and plugging it back (true).
    Result<void> setPlugged(bool plugged) override;

    int readsDelivered() const { return m_reads.load(); }

private:
    void loop();
    void postState(DeviceState state, const std::string& detail);

    std::unique_ptr<drivers::camera::FrameSource> m_source;      // capture thread only
    std::unique_ptr<drivers::decode::IsolatedDecoder> m_decoder; // capture thread only
    CameraEvents m_events;
    CameraFeedConfig m_config;
    std::atomic<bool> m_plugged{true};
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_reads{0};
    std::optional<DeviceState> m_postedState; // capture thread only: the last state posted
    std::thread m_thread;
};

} // namespace doorpost::kiosk::app
