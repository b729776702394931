#pragma once
// Decoding in a supervised child process. Debian's libzxing 1.4.0 is built with assertions on
// and aborts on some images (zxing-cpp #740); a decoder that takes the kiosk down with it would
// close the door. So frames are decoded by a forked worker: the frame goes over shared memory,
// the request and the result over a socket pair. If the worker dies or hangs, that one frame is
// reported as Crashed, the worker is replaced, and the next frame decodes as usual. Each
// replacement is one warning line on stderr (the journal, under the unit: storage/base's
// journal_log), at most one a minute: a decoder dying on every frame must not flood the
// journal, so the next line counts those it did not write.
//
// Threads: one IsolatedDecoder is used by one thread (the capture/decode thread). The worker is
// a separate process, so nothing in it is shared with the kiosk's threads; the frame buffer in
// shared memory is written by the parent only while the worker waits for a request, and read by
// the worker only until it answers (strict request/answer turns, no overlap).

#include "drivers/decode/frame_decoder.hpp"
#include "storage/base/driver_error.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <sys/types.h>

namespace doorpost::drivers::decode {

struct IsolationOptions {
    // A worker that has not answered by then is treated as hung: killed and replaced.
    std::chrono::milliseconds hangTimeout{2000};
    // Still images (the `decode` command): run every stage, ignore the frame budget.
    bool exhaustive = false;
    // Runs in the worker instead of the normal pipeline. A seam for tests (e.g. to make the
    // worker abort on a marked frame); empty in production.
    std::function<DecodeOutcome(FrameDecoder&, const camera::LumaView&)> workerHook;
    // Restarts within this time of the last journal line are counted, not written.
    std::chrono::milliseconds restartLineEvery{60000};
};

class IsolatedDecoder {
public:
    explicit IsolatedDecoder(DecoderOptions options = {}, IsolationOptions isolation = {});
    ~IsolatedDecoder();
    IsolatedDecoder(const IsolatedDecoder&) = delete;
    IsolatedDecoder& operator=(const IsolatedDecoder&) = delete;

    // Decodes one frame. A worker death or hang is DriverErrorKind::Crashed for this frame; the
    // worker is already replaced when this returns.
    DriverResult<DecodeOutcome> decode(const camera::LumaView& frame);

    // The next frame starts a new stream: the worker forgets what it carried over from earlier
    // frames (FrameDecoder::resetStream). A replaced worker starts fresh anyway.
    void resetStream() { m_newStream = true; }

    int workerRestarts() const { return m_restarts; }
    pid_t workerPid() const { return m_pid; }

private:
    DriverStatus startWorker(std::size_t capacity);
    // Kills and reaps the worker; its wait status (how it ended), 0 when there was none.
    int stopWorker();
    void logRestart(const std::string& cause);
    [[noreturn]] void workerLoop();

    DecoderOptions m_options;
    IsolationOptions m_isolation;
    pid_t m_pid = -1;
    int m_socket = -1;
    std::uint8_t* m_shared = nullptr; // frame buffer shared with the worker
    std::size_t m_capacity = 0;
    int m_restarts = 0;
    bool m_everStarted = false;
    bool m_newStream = false;
    bool m_startFailing = false; // the last start failed (logged once, until one succeeds)
    std::chrono::steady_clock::time_point m_lastRestartLine{}; // zero: no line yet
    int m_unloggedRestarts = 0;
};

} // namespace doorpost::drivers::decode
