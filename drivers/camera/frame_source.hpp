#pragma once
// The one interface every frame producer implements: the V4L2 camera, replay of files, and the
// synthetic renderer. The kiosk's capture thread, the demo and the tests all drive sources
// through it, so a fake and a real camera are interchangeable (chosen in kiosk/main.cpp).
//
// Threads: a source is used by one thread at a time (the capture thread). It does no locking of
// its own; whoever hands frames to other threads copies them (copyOf) or decodes them first.

#include "drivers/camera/frame.hpp"
#include "storage/base/driver_error.hpp"

#include <chrono>
#include <string>

namespace doorpost::drivers::camera {

enum class SourceState {
    Closed,    // not opened, or closed
    Streaming, // delivering frames
    Unplugged, // the device went away; next() keeps trying to reconnect
    Ended,     // a finite source ran out (replay without looping)
    Failed,    // a fault that reconnecting will not fix (bad format, unreadable files)
};

const char* toString(SourceState state);

// What next() produced: a frame, or why there is none this time.
enum class NextStatus {
    Frame,     // `frame` is valid
    Timeout,   // nothing within the timeout; try again
    Unplugged, // the device is gone; the source will reconnect on later calls
    Ended,     // no more frames will come
    Error,     // see `message`; the source's state says whether it is worth retrying
};

struct NextFrame {
    NextStatus status = NextStatus::Timeout;
    Frame frame;         // valid only when status == Frame
    std::string message; // why, when status is not Frame
};

class FrameSource {
public:
    virtual ~FrameSource() = default;

    // Starts delivering frames. Opening an open source is a no-op that succeeds.
    virtual DriverStatus open() = 0;
    // Waits at most `timeout` for the next frame. Paced sources (replay, synthetic at a frame
    // rate) block until the frame is due or the timeout passes.
    virtual NextFrame next(std::chrono::milliseconds timeout) = 0;
    // Stops delivery and releases the device; safe to call twice.
    virtual void close() = 0;

    virtual SourceState state() const = 0;
    // A short human-readable name for logs and diagnostics ("v4l2:/dev/video0", "synthetic").
    virtual std::string describe() const = 0;
};

} // namespace doorpost::drivers::camera
