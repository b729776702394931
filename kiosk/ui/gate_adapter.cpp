#include "kiosk/ui/gate_adapter.hpp"

#include <nlohmann/json.hpp>

#include "kiosk/gate/gate_worker.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/roster_store.hpp"

namespace doorpost::kiosk::ui {
namespace {

VerdictKind toView(Verdict verdict) {
    switch (verdict) {
    case Verdict::Admit: return VerdictKind::Admit;
    case Verdict::Deny: return VerdictKind::Deny;
    case Verdict::Refer: return VerdictKind::Refer;
    }
    return VerdictKind::Refer;
}

VerdictView viewOf(const GateResult& result) {
    VerdictView view;
    view.kind = toView(result.verdict);
    view.seq = result.seq;
    view.credential = std::string(credentialKindName(result.credential.kind));
    view.maskedId = result.credential.maskedId;
    view.candidateNumber = result.credential.candidateNumber;
    for (Reason reason : result.reasons) {
        const ReasonText text = reasonText(reason);
        view.reasonCodes.emplace_back(text.code);
        if (!view.reasonZh.empty()) {
            view.reasonZh += "；";
            view.reasonEn += "; ";
        }
        view.reasonZh += text.zh;
        view.reasonEn += text.en;
    }
    if (!result.detail.empty()) {
        // The decision's own words ("already admitted 08:12 at door-2") say more than the code.
        view.reasonZh += "（" + result.detail + "）";
        view.reasonEn += " (" + result.detail + ")";
    }
    return view;
}

kiosk::IdType toGate(ui::IdType type) {
    switch (type) {
    case ui::IdType::Resident: return kiosk::IdType::Resident;
    case ui::IdType::Passport: return kiosk::IdType::Passport;
    case ui::IdType::Permit: return kiosk::IdType::Permit;
    case ui::IdType::Other: return kiosk::IdType::Other;
    }
    return kiosk::IdType::Other;
}

} // namespace

const char* gateReasonCode(ManualReason reason) {
    switch (reason) {
    case ManualReason::NoPhone: return "no_phone";
    case ManualReason::WillNotScan: return "code_unreadable";
    // Both built-in profiles accept these four; "other" is in neither, so the Other button says
    // "the person has no usable pass" rather than being a button that is always refused.
    case ManualReason::AppDown: return "service_outage";
    case ManualReason::Other: return "pass_unavailable";
    }
    return "other";
}

GateAdapter::GateAdapter(std::string dbPath, const GateConfig& config)
    : m_dbPath(dbPath), m_worker(std::make_unique<GateWorker>(std::move(dbPath), config)),
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
    ScanInput input;
    input.text = std::move(read.text);
    input.pictureDecode = read.format != "wedge" && read.format != "script";
    enqueue(m_worker->submit(std::move(input)), std::move(done));
}

void GateAdapter::submitRegistration(ManualRegistration registration, VerdictCallback done) {
    ManualInput input;
    input.idType = toGate(registration.idType);
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

VerdictView GateAdapter::describe(const GateResult& result) {
    VerdictView view = viewOf(result);
    // What the door shows beside the verdict comes from what was recorded: the committed
    // event's room and seat, and the roster's name for the subject. A failed read here costs
    // only these extras, never the verdict (the event is already committed).
    if (!m_readDb) {
        auto db = storage::Database::open(m_dbPath);
        if (!db) return view;
        m_readDb = std::make_unique<storage::Database>(std::move(*db));
        // The log keeps a pointer to its Database: open it on the connection's final address.
        if (auto log = storage::EventLog::open(*m_readDb)) {
            m_readLog = std::make_unique<storage::EventLog>(std::move(*log));
        }
    }
    if (m_readLog) {
        if (auto events = m_readLog->readSeqRange(result.seq, result.seq); events && events->size() == 1) {
            const auto detail = nlohmann::json::parse(events->front().detail, nullptr, false);
            if (detail.is_object()) {
                view.room = detail.value("room", "");
                view.seat = detail.value("seat", "");
            }
        }
    }
    if (!result.credential.subjectKey.empty()) {
        storage::RosterStore roster(*m_readDb);
        if (auto entry = roster.bySubject(result.credential.subjectKey); entry && *entry) {
            view.name = (*entry)->name;
            if (view.candidateNumber.empty()) view.candidateNumber = (*entry)->candidateNumber;
        }
    }
    return view;
}

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
        std::optional<GateResponse> response;
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

} // namespace doorpost::kiosk::ui
