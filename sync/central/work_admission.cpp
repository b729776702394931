#include "sync/central/work_admission.hpp"

#include <algorithm>
#include <cmath>

namespace doorpost::sync::central {
namespace {

// A door that has not come back for this long has given up or synced elsewhere: its refusals
// no longer count (and the table stays as small as the set of doors currently waiting).
constexpr auto kForgetAfter = std::chrono::seconds(30);

} // namespace

WorkAdmission::WorkAdmission(std::size_t workers, std::chrono::milliseconds budget,
                             std::size_t maxQueue)
    : m_workers(std::max<std::size_t>(1, workers)), m_budgetMs(static_cast<double>(budget.count())),
      m_maxQueue(maxQueue) {}

double WorkAdmission::expectedMs(std::size_t queued) const {
    return (static_cast<double>(queued) / static_cast<double>(m_workers) + 1.0) *
           (m_jobMs + 2.0 * m_jobDeviationMs);
}

int WorkAdmission::refusalsInRow(std::uint64_t requester) const {
    const auto it = m_refused.find(requester);
    return it == m_refused.end() ? 0 : it->second.inRow;
}

WorkAdmission::Decision WorkAdmission::decide(std::uint64_t requester, std::size_t queued,
                                              const std::vector<int>& workPriorities,
                                              Clock::time_point now) {
    forgetOld(now);
    Decision decision;
    decision.priority = refusalsInRow(requester);
    if (queued < m_workers) {
        decision.queue = true; // a worker is (or is about to be) free
    } else if (queued < m_maxQueue && m_timedJobs >= 2 * m_workers &&
               expectedMs(queued) <= m_budgetMs) {
        decision.queue = true;
    } else if (!workPriorities.empty()) {
        // The lowest priority below ours; among equals the newest, which has waited least.
        std::optional<std::size_t> lowest;
        for (std::size_t i = 0; i < workPriorities.size(); ++i)
            if (workPriorities[i] < decision.priority &&
                (!lowest || workPriorities[i] <= workPriorities[*lowest]))
                lowest = i;
        if (lowest) {
            decision.queue = true;
            decision.displaces = lowest;
        }
    }
    if (decision.queue)
        m_refused.erase(requester);
    else
        refuse(requester, decision.priority + 1, now);
    return decision;
}

void WorkAdmission::displaced(std::uint64_t requester, int priority, Clock::time_point now) {
    refuse(requester, std::max(priority + 1, refusalsInRow(requester)), now);
}

void WorkAdmission::refuse(std::uint64_t requester, int inRow, Clock::time_point now) {
    Refused& refused = m_refused[requester];
    refused.inRow = inRow;
    refused.last = now;
}

void WorkAdmission::timed(double milliseconds) {
    m_jobDeviationMs = 0.75 * m_jobDeviationMs + 0.25 * std::abs(milliseconds - m_jobMs);
    m_jobMs = 0.8 * m_jobMs + 0.2 * milliseconds;
    m_timedJobs += 1;
}

void WorkAdmission::forgetOld(Clock::time_point now) {
    if (now - m_lastSweep < std::chrono::seconds(1))
        return;
    m_lastSweep = now;
    for (auto it = m_refused.begin(); it != m_refused.end();)
        it = now - it->second.last > kForgetAfter ? m_refused.erase(it) : std::next(it);
}

} // namespace doorpost::sync::central
