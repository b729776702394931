#include "kiosk/app/gate_adapter.hpp"

#include "kiosk/gate/gate_worker.hpp"

namespace doorpost::kiosk::app {
namespace {

VerdictView viewOf(const gate::GateResult& result) {
    VerdictView view;
    view.kind = result.verdict;
    view.seq = result.seq;
    view.credential = std::string(credentials::credentialKindName(result.credential.kind));
    view.maskedId = result.credential.maskedId;
    view.candidateNumber = result.credential.candidateNumber;
    for (credentials::Reason reason : result.reasons) {
        const credentials::ReasonText text = credentials::reasonText(reason);
        view.reasonCodes.emplace_back(text.code);
        // The panel says "masked ID only" on the ID line; as a reason it would only take room.
        if (reason == credentials::Reason::IdNotSealed) {
            continue;
        }
        if (!view.reasonZh.empty()) {
            view.reasonZh += "；";
            view.reasonEn += "; ";
        }
        view.reasonZh += text.zh;
        view.reasonEn += text.en;
    }
    // The verifier's technical message stays in the log and `doorpost scan`: it is English and
    // says nothing staff can act on beyond the reason. A prior admission is values the screen
    // words in its language.
    if (result.alreadyAdmitted) {
        view.alreadyAdmittedAt = result.alreadyAdmitted->at;
        view.alreadyAdmittedDoor = result.alreadyAdmitted->door;
    }
    return view;
}

} // namespace

const char* gateReasonCode(ManualReason reason) {
    switch (reason) {
    case ManualReason::NoPhone:
        return "no_phone";
    case ManualReason::WillNotScan:
        return "code_unreadable";
    // Both built-in profiles accept these four; "other" is in neither, so the Other button says
    // "the person has no usable pass" rather than being a button that is always refused.
    case ManualReason::AppDown:
        return "service_outage";
    case ManualReason::Other:
        return "pass_unavailable";
    }
    return "other";
}

GateAdapter::GateAdapter(std::string dbPath, const gate::GateConfig& config)
    : m_worker(std::make_unique<gate::GateWorker>(std::move(dbPath), config)),
      m_answers([this] { answerLoop(); }) {}

GateAdapter::~GateAdapter() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_pending.notify_all();
    m_answers.join();
}

void GateAdapter::submitRead(CodeRead read, VerdictCallback done) {
    gate::ScanInput input;
    input.text = std::move(read.text);
    input.pictureDecode = read.source == ReadSource::Camera;
    enqueue(m_worker->submit(std::move(input)), std::move(done));
}

void GateAdapter::submitRegistration(ManualRegistration registration, VerdictCallback done) {
    gate::ManualInput input;
    input.idType = registration.idType;
    input.id = std::move(registration.idNumber);
    input.name = std::move(registration.name);
    input.reason = gateReasonCode(registration.reason);
    input.operatorId = std::move(registration.operatorName);
    enqueue(m_worker->submit(std::move(input)), std::move(done));
}

void GateAdapter::enqueue(std::uint64_t ticket, VerdictCallback done) {
    {
        std::lock_guard lock(m_mutex);
        m_waiting.emplace_back(ticket, std::move(done));
    }
    m_pending.notify_one();
}

namespace {

// What the door shows beside the verdict: the roster row the gate decided with (room, seat,
// name), which is what the committed event's detail records.
VerdictView describe(const gate::GateResult& result) {
    VerdictView view = viewOf(result);
    if (result.rosterEntry) {
        view.room = result.rosterEntry->room;
        view.seat = result.rosterEntry->seat;
        view.name = result.rosterEntry->name;
        if (view.candidateNumber.empty())
            view.candidateNumber = result.rosterEntry->candidateNumber;
    }
    return view;
}

} // namespace

void GateAdapter::answerLoop() {
    for (;;) {
        std::pair<std::uint64_t, VerdictCallback> next;
        {
            std::unique_lock lock(m_mutex);
            m_pending.wait(lock, [this] { return m_stopping || !m_waiting.empty(); });
            if (m_waiting.empty()) {
                return; // stopping, and everything submitted has been answered
            }
            next = std::move(m_waiting.front());
            m_waiting.pop_front();
        }
        // The gate answers in order; wait for this ticket without holding our lock.
        std::optional<gate::GateResponse> response;
        while (!response) {
            response = m_worker->waitFor(next.first, std::chrono::milliseconds(1000));
        }
        if (response->result) {
            next.second(describe(*response->result));
        } else {
            next.second(response->error ? *response->error : environmentFault("gate: no answer"));
        }
    }
}

} // namespace doorpost::kiosk::app
