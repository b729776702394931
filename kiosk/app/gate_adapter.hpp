#pragma once
// GateAdapter: the real gate (kiosk/gate, GateWorker on its own thread) behind the UI's GatePort.
// Requests go to the worker at once, each with a completion the worker runs when it has answered.
//
// Threads meet here:
//  - the UI (or capture) thread calls submitRead/submitRegistration: GateWorker::submit, a short
//    lock; it never waits on the gate;
//  - the gate thread, once the event is committed (or the request refused), runs the completion:
//    it turns the gate's result into what the door shows (the verdict, and room, seat and name
//    from the roster row the gate decided with) and calls the request's callback, which posts
//    to the UI queue.
// Errors (a storage fault, a reason the profile refuses) go to the same
// callback as values: the UI shows them as a "not recorded" fault, never silently.

#include "kiosk/app/ports.hpp"

#include <memory>
#include <string>

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
    ~GateAdapter() override; // answers what was submitted (callbacks run), then stops
    GateAdapter(const GateAdapter&) = delete;
    GateAdapter& operator=(const GateAdapter&) = delete;

    void submitRead(CodeRead read, VerdictCallback done) override;
    void submitRegistration(ManualRegistration registration, VerdictCallback done) override;
    void prepareRegistration(IdType type, std::string idNumber) override;
    void forgetRegistration() override;

private:
    std::unique_ptr<gate::GateWorker> m_worker;
};

// The gate's manual-registration reason code for a reason button (the site profiles' codes).
const char* gateReasonCode(ManualReason reason);

} // namespace doorpost::kiosk::app
