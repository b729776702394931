#pragma once
// The capture/decode loop the kiosk runs for a camera: frames from a FrameSource go through the
// isolated decoder, duplicate suppression and diagnostics, and new reads come out as callbacks.
//
// Threads: the loop runs on its own thread (the capture thread). `onRead` and `onState` are
// called on that thread and must only post to the kiosk's queue. diagnostics() may be called
// from any thread; it copies a snapshot under a mutex.

#include "drivers/camera/frame_source.hpp"
#include "drivers/capture/diagnostics.hpp"
#include "drivers/capture/duplicate_filter.hpp"
#include "drivers/decode/frame_decoder.hpp"
#include "drivers/decode/isolated_decoder.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace doorpost::drivers::capture {

struct ScanLoopOptions {
    decode::DecoderOptions decoder;
    std::chrono::milliseconds goneAfter{1500};   // duplicate suppression
    std::chrono::milliseconds frameTimeout{500}; // how long one wait for a frame may take
};

struct ScanRead {
    decode::CodeRead read;
    camera::FrameClock::time_point seen;
    std::uint64_t frame = 0;
};

struct ScanCallbacks {
    std::function<void(const ScanRead&)> onRead;
    std::function<void(camera::SourceState, const std::string&)> onState; // on every state change
};

class ScanLoop {
public:
    ScanLoop(std::unique_ptr<camera::FrameSource> source, ScanLoopOptions options,
             ScanCallbacks callbacks);
    ~ScanLoop();
    ScanLoop(const ScanLoop&) = delete;
    ScanLoop& operator=(const ScanLoop&) = delete;

    // Opens the source (an absent camera is not an error: the loop waits for it) and starts.
    DriverStatus start();
    void stop();
    DiagnosticsSnapshot diagnostics() const;

private:
    void run();

    std::unique_ptr<camera::FrameSource> m_source;
    ScanLoopOptions m_options;
    ScanCallbacks m_callbacks;
    std::unique_ptr<decode::IsolatedDecoder> m_decoder;
    DuplicateFilter m_duplicates;
    mutable std::mutex m_mutex; // guards m_diagnostics (read by other threads)
    SourceDiagnostics m_diagnostics;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

} // namespace doorpost::drivers::capture
