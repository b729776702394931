#pragma once
// Runs a Gate on its own thread so the UI never waits on verification or on the disk.
//
// Threads meet here, and only here:
//  - The UI (or capture) thread calls submit(): it locks the request queue, pushes, notifies,
//    and returns at once with a ticket number. It never touches the Gate or the database.
//  - The gate thread (started by the constructor) opens the Gate itself, so the SQLite
//    connection is created and used by that one thread; it pops requests in order, runs
//    scan()/registerManual() (verify, decide, durable append) and pushes the answer onto the
//    response queue.
//  - An answer goes one of two ways. Submitted with a completion, it is handed to that
//    completion on the gate thread as soon as it is ready (the kiosk's GateAdapter: the completion
//    posts it to the UI queue, so nobody waits for it). Submitted without, it waits in the
//    response queue until someone takes it: poll() (a short lock, no waiting), or waitFor() where
//    blocking is fine (CLI, benchmarks, tests).
//  - prepareManual()/forgetManual() (UI thread) hand the registration in progress to the
//    subject key precompute (its own thread, subject_key_precompute.hpp): a short lock there.
// The destructor stops the gate thread after the requests already submitted are answered, their
// completions run.

#include "kiosk/gate/gate.hpp"
#include "kiosk/gate/subject_key_precompute.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace doorpost::kiosk::gate {

struct GateResponse {
    std::uint64_t ticket = 0;
    std::optional<GateResult> result; // set when the event was committed
    std::optional<Error> error;       // set otherwise (a storage fault, a bad registration)
};

class GateWorker {
public:
    using Request = std::variant<ScanInput, ManualInput>;
    // Runs on the gate thread, once per request, after the event is committed (or the request
    // refused); it must be quick and must not call back into this worker.
    using Completion = std::function<void(GateResponse)>;
    // The gate thread opens its own connection to `dbPath` and the Gate on it; a failure
    // there is answered to every request.
    GateWorker(std::string dbPath, GateConfig config);
    ~GateWorker();
    GateWorker(const GateWorker&) = delete;
    GateWorker& operator=(const GateWorker&) = delete;

    std::uint64_t submit(Request request);
    // The answer goes to `done` instead of to poll()/waitFor().
    std::uint64_t submit(Request request, Completion done);
    std::vector<GateResponse> poll();
    // The manual form's number is complete and valid (as the gate will check it, today's local
    // date): its subject key is derived now, so confirm does not wait for it. An invalid number
    // forgets instead. Never blocks.
    void prepareManual(IdType type, std::string_view id);
    void forgetManual(); // the form was cleared, edited to invalid or left
    const SubjectKeyPrecompute& precompute() const { return m_precompute; }
    std::optional<GateResponse> waitFor(std::uint64_t ticket, std::chrono::milliseconds timeout);

private:
    void run(const std::string& dbPath, const GateConfig& config);

    std::mutex m_mutex;
    std::condition_variable m_requestReady;
    std::condition_variable m_responseReady;
    struct Pending {
        std::uint64_t ticket = 0;
        Request request;
        Completion done; // empty: the answer waits in m_responses
    };
    std::deque<Pending> m_requests;
    std::deque<GateResponse> m_responses;
    std::uint64_t m_nextTicket = 1;
    bool m_stopping = false;
    SubjectKeyPrecompute m_precompute; // the gate thread's Gate points at it
    std::thread m_thread;              // last: started once everything above exists
};

} // namespace doorpost::kiosk::gate
