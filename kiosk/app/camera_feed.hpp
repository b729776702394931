#pragma once
// CameraFeed: the kiosk's side of the drivers' scan loop (drivers/capture/scan_loop.hpp), which
// does the capturing, decoding, duplicate suppression and diagnostics. The feed only translates
// for the kiosk (CameraEvents): new reads, a scaled-down preview a few times a second with the
// code just read outlined, the camera chip's state, and the diagnostics' hints. It also lets
// staff switch to another camera while the door runs, and scripts pull the camera out
// (CameraControl); a real camera is unplugged by hand, and the loop follows it either way.

#include "drivers/capture/scan_loop.hpp"
#include "kiosk/app/ports.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace doorpost::drivers::camera {
class FrameSource;
}

namespace doorpost::kiosk::app {

struct CameraFeedConfig {
    int previewMaxWidth = 640;
    std::chrono::milliseconds previewInterval{100}; // 10 previews a second at most
    std::chrono::milliseconds outlineFor{1500};     // the last read stays outlined this long
    std::chrono::milliseconds hintsEvery{1000};     // how often the diagnostics are looked at
    drivers::capture::ScanLoopOptions scan;
};

// What the feed tells the kiosk. Threads meet here: every callback runs on the capture thread
// and must only hand over (the UI posts to its queue, the gate takes a request); none may wait.
struct CameraEvents {
    std::function<void(CodeRead)> onRead; // a new read (not a repeat of the code in view)
    std::function<void(DeviceState, const std::string&)> onState; // on each change of state
    std::function<void(std::shared_ptr<const PreviewFrame>)> onPreview;
    // The diagnostics' hints ("too dark", "lens dirty or out of focus"), when they change.
    std::function<void(std::vector<std::string>)> onHints;
};

class CameraFeed final : public CameraControl {
public:
    CameraFeed(std::unique_ptr<drivers::camera::FrameSource> source, CameraEvents events,
               CameraFeedConfig config = {});
    ~CameraFeed() override; // stops and joins the capture thread
    CameraFeed(const CameraFeed&) = delete;
    CameraFeed& operator=(const CameraFeed&) = delete;

    // Starts the decoder worker and the capture thread. An absent camera is no failure: the
    // chip shows it, and the loop takes the camera when it comes.
    Result<void> start();
    // Any thread: simulates pulling the camera's cable out (false) and plugging it back (true).
    Result<void> setPlugged(bool plugged) override;
    // Any thread: the capture thread changes to `source` before its next frame.
    void switchTo(std::unique_ptr<drivers::camera::FrameSource> source);

    int readsDelivered() const { return m_reads.load(); }
    drivers::capture::DiagnosticsSnapshot diagnostics() const;
    // The decoder worker process (its CPU is the kiosk's too), -1 before start().
    pid_t decoderPid() const { return m_loop->decoderPid(); }

private:
    class Socket;
    void onFrame(const drivers::camera::Frame& frame, const drivers::capture::FrameReport& report);

    CameraEvents m_events;
    CameraFeedConfig m_config;
    Socket* m_socket = nullptr; // owned by m_loop (its source); lives as long as it
    std::unique_ptr<drivers::capture::ScanLoop> m_loop;
    std::atomic<int> m_reads{0};
    // Capture thread only:
    std::uint64_t m_generation = 0;
    drivers::camera::FrameClock::time_point m_lastPreview{};
    drivers::camera::FrameClock::time_point m_lastHints{};
    std::vector<std::string> m_hints;
    std::optional<drivers::decode::Region> m_lastWhere;
    drivers::camera::FrameClock::time_point m_lastReadAt{};
};

} // namespace doorpost::kiosk::app
