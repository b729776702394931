#pragma once
// GateAdapter: the real gate (kiosk/gate, GateWorker on its own thread) behind the UI's GatePort.
// Requests go to the worker at once; a small answer thread waits on the worker for each ticket
// in order (no polling) and hands each verdict to the callback given with the request.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kiosk/ui/ports.hpp"

namespace doorpost::kiosk {
class GateWorker;
struct GateConfig;
} // namespace doorpost::kiosk

namespace doorpost::kiosk::ui {

class GateAdapter final : public GatePort {
public:
    GateAdapter(std::string dbPath, const GateConfig& config);
    ~GateAdapter() override; // answers what was submitted, then stops

    void submitRead(CodeRead read, VerdictCallback done) override;
    void submitRegistration(ManualRegistration registration, VerdictCallback done) override;

private:
    void answerLoop();

    std::unique_ptr<GateWorker> m_worker;
    std::mutex m_mutex;
    std::condition_variable m_pending;
    std::deque<std::pair<std::uint64_t, VerdictCallback>> m_waiting; // guarded by m_mutex
    bool m_stopping = false;                                          // guarded by m_mutex
    std::thread m_answers; // last: started once everything above exists
};

// The gate's manual-registration reason code for a reason button.
const char* gateReasonCode(ManualReason reason);

} // namespace doorpost::kiosk::ui
