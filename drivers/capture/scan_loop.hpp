#pragma once
// The capture/decode loop the kiosk runs for a camera: frames from a FrameSource go through the
// isolated decoder, duplicate suppression and diagnostics, and new reads come out as callbacks.
//
// Threads: the loop runs on its own thread (the capture thread). `onRead`, `onState` and
// `onFrame` are called on that thread and must only hand over (post to the kiosk's queue, copy
// what they keep). diagnostics() may be called from any thread; it copies a snapshot under a
// mutex.

#include "drivers/camera/frame_source.hpp"
#include "drivers/capture/diagnostics.hpp"
#include "drivers/capture/duplicate_filter.hpp"
#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/frame_decoder.hpp"
#include "drivers/decode/isolated_decoder.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace doorpost::drivers::capture {

struct ScanLoopOptions {
    decode::DecoderOptions decoder;
    std::chrono::milliseconds goneAfter{1500};   // duplicate suppression
    std::chrono::milliseconds frameTimeout{500}; // how long one wait for a frame may take
    // While nothing code-like has been in view for a while, only every Nth frame goes to the
    // decoder; the frames between are checked with the locator on this thread (a fraction of a
    // millisecond), and one that shows code-like texture is decoded at once. 1: decode all.
    int idleDecodeEvery = 3;
    // The picture measurements (diagnostics' hints) on every Nth frame: they move slowly.
    int measureEvery = 4;
};

struct ScanRead {
    decode::CodeRead read;
    camera::FrameClock::time_point seen;
    std::uint64_t frame = 0;
    std::optional<decode::Region> where; // where the code was, in frame pixels, when located
};

// What became of one frame, for whoever shows it (the preview).
struct FrameReport {
    bool decoded = false; // went to the decoder (else skipped: nothing code-like in view)
    bool read = false;    // the decoder read a code (new or not)
    std::optional<decode::Region> where; // with a read: where it was
};

struct ScanCallbacks {
    std::function<void(const ScanRead&)> onRead;
    std::function<void(camera::SourceState, const std::string&)> onState; // on every state change
    // Every frame, after decoding; the frame's view is valid during the call only.
    std::function<void(const camera::Frame&, const FrameReport&)> onFrame;
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
    // The isolated decoder's worker process, -1 before start() (for CPU accounting).
    pid_t decoderPid() const { return m_decoder ? m_decoder->workerPid() : -1; }

private:
    void run();
    bool worthDecoding(const camera::LumaView& frame);

    std::unique_ptr<camera::FrameSource> m_source;
    ScanLoopOptions m_options;
    ScanCallbacks m_callbacks;
    std::unique_ptr<decode::IsolatedDecoder> m_decoder;
    DuplicateFilter m_duplicates;
    mutable std::mutex m_mutex; // guards m_diagnostics (read by other threads)
    SourceDiagnostics m_diagnostics;
    std::string m_openMessage;      // what opening the source said (set before the thread starts)
    std::uint64_t m_framesSeen = 0; // capture thread only
    PictureStats m_lastPicture;     // capture thread only
    std::uint64_t m_idleFrames = 0; // frames in a row with nothing code-like (capture thread)
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

} // namespace doorpost::drivers::capture
