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

// The worker's completion for one request: runs on the gate thread.
gate::GateWorker::Completion answerWith(VerdictCallback done) {
    return [done = std::move(done)](gate::GateResponse response) {
        if (response.result) {
            done(describe(*response.result));
        } else {
            done(response.error ? *response.error : environmentFault("gate: no answer"));
        }
    };
}

} // namespace

GateAdapter::GateAdapter(std::string dbPath, const gate::GateConfig& config)
    : m_worker(std::make_unique<gate::GateWorker>(std::move(dbPath), config)) {}

GateAdapter::~GateAdapter() = default;

void GateAdapter::submitRead(CodeRead read, VerdictCallback done) {
    gate::ScanInput input;
    input.text = std::move(read.text);
    input.pictureDecode = read.source == ReadSource::Camera;
    m_worker->submit(std::move(input), answerWith(std::move(done)));
}

void GateAdapter::submitRegistration(ManualRegistration registration, VerdictCallback done) {
    gate::ManualInput input;
    input.idType = registration.idType;
    input.id = std::move(registration.idNumber);
    input.name = std::move(registration.name);
    input.reason = gateReasonCode(registration.reason);
    input.operatorId = std::move(registration.operatorName);
    m_worker->submit(std::move(input), answerWith(std::move(done)));
}

void GateAdapter::prepareRegistration(IdType type, std::string idNumber) {
    m_worker->prepareManual(type, idNumber);
}

void GateAdapter::forgetRegistration() {
    m_worker->forgetManual();
}

} // namespace doorpost::kiosk::app
