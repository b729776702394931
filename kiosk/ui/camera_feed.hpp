#pragma once
// CameraFeed: the capture thread between a drivers::FrameSource and the kiosk. It pulls frames,
// decodes them in the isolated decoder, hands new reads to the gate, and posts to the UI only
// what the UI needs: a scaled-down preview a few times a second and the camera chip's state.
// Unplugging (real, or pulled from a script through CameraControl) turns the chip red; the
// thread keeps trying and reading resumes when the camera is back.

#include "kiosk/ui/ports.hpp"
#include "kiosk/ui/ui_queue.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace doorpost::drivers {
class FrameSource;
class IsolatedDecoder;
} // namespace doorpost::drivers

namespace doorpost::kiosk::ui {

struct CameraFeedConfig {
    int previewMaxWidth = 640;
    std::chrono::milliseconds previewInterval{66}; // ~15 previews a second at most
    std::chrono::milliseconds repeatWindow{3000};  // the same code again within this is one read
    std::chrono::milliseconds retryInterval{500};  // reopen attempts while the camera is away
};

// Called on the capture thread with each new read.
using ReadSink = std::function<void(CodeRead)>;

// The usual sink: a read goes to the gate; the UI shows "recording" and then the verdict.
// The queue is shared: the gate may answer after the app has gone.
ReadSink gateReadSink(GatePort& gate, std::shared_ptr<UiQueue> queue);

class CameraFeed final : public CameraControl {
public:
    // `decoder` may be null (preview only).
    CameraFeed(std::unique_ptr<drivers::FrameSource> source,
               std::unique_ptr<drivers::IsolatedDecoder> decoder, UiQueue& queue, ReadSink sink,
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
    void postState(int state, const std::string& detail);

    std::unique_ptr<drivers::FrameSource> m_source;      // capture thread only
    std::unique_ptr<drivers::IsolatedDecoder> m_decoder; // capture thread only
    UiQueue& m_queue;
    ReadSink m_sink;
    CameraFeedConfig m_config;
    std::atomic<bool> m_plugged{true};
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_reads{0};
    int m_postedState = -1; // capture thread only: the last chip state posted
    std::thread m_thread;
};

} // namespace doorpost::kiosk::ui
