#pragma once
// GateAdapter: the real gate (kiosk/gate, GateWorker on its own thread) behind the UI's GatePort.
// Requests go to the worker at once; a small answer thread waits on the worker for each ticket
// in order (no polling) and hands each verdict to the callback given with the request.
//
// Threads meet here:
//  - the UI (or capture) thread calls submitRead/submitRegistration: GateWorker::submit (a short
//    lock) and a push onto m_waiting under m_mutex; it never waits on the gate;
//  - the answer thread pops m_waiting, waits on the worker for that ticket, reads what the door
//    shows beside the verdict (room, seat, roster name) through its own read connection, and
//    calls the callback, which posts to the UI queue.
// Errors (a storage fault, a reason the profile refuses) go to the same
// callback as values: the UI shows them as a "not recorded" fault, never silently.

#include "kiosk/app/ports.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace doorpost::storage {
class Database;
class EventLog;
} // namespace doorpost::storage

namespace doorpost::kiosk::gate {
class GateWorker;
struct GateConfig;
struct GateResult;
} // namespace doorpost::kiosk::gate

namespace doorpost::kiosk::app {

class GateAdapter final : public GatePort {
public:
    GateAdapter(std::string dbPath, const gate::GateConfig& config);
    ~GateAdapter() override; // answers what was submitted, then stops
    GateAdapter(const GateAdapter&) = delete;
    GateAdapter& operator=(const GateAdapter&) = delete;

    void submitRead(CodeRead read, VerdictCallback done) override;
    void submitRegistration(ManualRegistration registration, VerdictCallback done) override;

private:
    void answerLoop();
    void enqueue(std::uint64_t ticket, VerdictCallback done);
    std::unique_ptr<gate::GateWorker> m_worker;
    std::mutex m_mutex;
    std::condition_variable m_pending;
    std::deque<std::pair<std::uint64_t, VerdictCallback>> m_waiting; // guarded by m_mutex
    bool m_stopping = false;                                         // guarded by m_mutex
    std::thread m_answers; // last: started once everything above exists
};

// The gate's manual-registration reason code for a reason button (the site profiles' codes).
const char* gateReasonCode(ManualReason reason);

} // namespace doorpost::kiosk::app
