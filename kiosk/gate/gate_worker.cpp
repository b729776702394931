#include "kiosk/gate/gate_worker.hpp"

#include "storage/base/local_time.hpp"

#include <algorithm>

namespace doorpost::kiosk::gate {

GateWorker::GateWorker(std::string dbPath, GateConfig config)
    : m_thread([this, path = std::move(dbPath), gateConfig = std::move(config)] {
          run(path, gateConfig);
      }) {}

GateWorker::~GateWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_requestReady.notify_all();
    m_thread.join();
}

std::uint64_t GateWorker::submit(Request request) {
    return submit(std::move(request), Completion());
}

std::uint64_t GateWorker::submit(Request request, Completion done) {
    std::uint64_t ticket;
    {
        std::lock_guard lock(m_mutex);
        ticket = m_nextTicket++;
        m_requests.push_back(Pending{ticket, std::move(request), std::move(done)});
    }
    m_requestReady.notify_one();
    return ticket;
}

void GateWorker::prepareManual(IdType type, std::string_view id) {
    // The same check registerManual() applies (pure, microseconds): only a number the gate will
    // accept is worth a derivation.
    auto checked = checkIdNumber(type, id, localDateYmd(wallClockSeconds()));
    if (!checked) {
        m_precompute.forget();
        return;
    }
    m_precompute.prepare(std::move(checked->normalised));
}

void GateWorker::forgetManual() {
    m_precompute.forget();
}

std::vector<GateResponse> GateWorker::poll() {
    std::lock_guard lock(m_mutex);
    std::vector<GateResponse> out(std::make_move_iterator(m_responses.begin()),
                                  std::make_move_iterator(m_responses.end()));
    m_responses.clear();
    return out;
}

std::optional<GateResponse> GateWorker::waitFor(std::uint64_t ticket,
                                                std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    std::optional<GateResponse> found;
    m_responseReady.wait_for(lock, timeout, [&] {
        const auto it = std::find_if(m_responses.begin(), m_responses.end(),
                                     [&](const GateResponse& r) { return r.ticket == ticket; });
        if (it == m_responses.end())
            return false;
        found = std::move(*it);
        m_responses.erase(it);
        return true;
    });
    return found;
}

void GateWorker::run(const std::string& dbPath, const GateConfig& config) {
    // Both live on this thread's stack for the worker's lifetime: the connection is never
    // touched by another thread.
    auto db = storage::Database::open(dbPath);
    Result<Gate> gate = db ? Gate::open(*db, config) : Result<Gate>(db.error());
    if (gate)
        gate->usePrecompute(&m_precompute); // passes it the secret; prepare() waits for that
    while (true) {
        Pending next;
        {
            std::unique_lock lock(m_mutex);
            m_requestReady.wait(lock, [&] { return m_stopping || !m_requests.empty(); });
            if (m_requests.empty())
                return; // stopping, and everything submitted is answered
            next = std::move(m_requests.front());
            m_requests.pop_front();
        }
        // The slow part (verify, decide, fsync'd append) runs without the lock held.
        GateResponse response;
        response.ticket = next.ticket;
        if (!gate) {
            response.error = gate.error();
        } else {
            auto result = std::holds_alternative<ScanInput>(next.request)
                              ? gate->scan(std::get<ScanInput>(next.request))
                              : gate->registerManual(std::get<ManualInput>(next.request));
            if (result)
                response.result = std::move(*result);
            else
                response.error = result.error();
        }
        if (next.done) {
            next.done(std::move(response)); // on this thread, no lock held
            continue;
        }
        {
            std::lock_guard lock(m_mutex);
            m_responses.push_back(std::move(response));
        }
        m_responseReady.notify_all();
    }
}

} // namespace doorpost::kiosk::gate
