#pragma once
// Which Work requests (push, pull, enrolment) the central's HTTP server queues and which it
// answers 429 at once: the queue budget, and fairness between doors while the store is the
// bottleneck.
//
// - Budget: a request is queued only if it would be answered within the budget, judged from
//   the jobs ahead of it over the workers, then its own, at the recent time per job plus twice
//   its mean deviation (as TCP times a round trip: scattered store times get a shorter queue, not
//   a longer tail). A job's time includes its wait for the store, so a store slower than the
//   workers shows up here. Until a few jobs have been timed, the queue holds one job per worker:
//   after an outage the whole fleet arrives before the first push is timed, and an optimistic
//   guess then queued seconds of work (bench fleet, 200 doors: push p99 1.1 s).
// - Fairness: with the queue full, who gets in is a lottery among the doors that come back, and
//   one door could lose it again and again (bench fleet: a door went 23 s without a push in a
//   24 s drain). So a request carries its door's refusals in a row as its priority, and a
//   request that finds the queue full takes the place of the queued job with the lowest
//   priority below its own (that job's door hears 429 instead, one refusal richer). The queue
//   stays within the budget, and the doors that waited longest are served first.
//
// Not thread-safe: the server calls it under its queue mutex.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace doorpost::sync::central {

class WorkAdmission {
public:
    using Clock = std::chrono::steady_clock;

    struct Decision {
        bool queue = false;
        int priority = 0;                     // the request's refusals in a row
        std::optional<std::size_t> displaces; // the queued job it takes the place of
    };

    WorkAdmission(std::size_t workers, std::chrono::milliseconds budget, std::size_t maxQueue);

    // A Work request from `requester` (a door's credential or address, hashed) finds `queued`
    // jobs waiting in all; `workPriorities` are the priorities of the queued Work jobs, front
    // first. A refusal is remembered for the requester's next try.
    Decision decide(std::uint64_t requester, std::size_t queued,
                    const std::vector<int>& workPriorities, Clock::time_point now);
    // A queued job was displaced: its requester was refused after all.
    void displaced(std::uint64_t requester, int priority, Clock::time_point now);
    // A job took `milliseconds` on a worker (its wait for the store included).
    void timed(double milliseconds);

    // The time, queued behind `queued` jobs, until a new job would be answered.
    double expectedMs(std::size_t queued) const;
    int refusalsInRow(std::uint64_t requester) const;

private:
    struct Refused {
        int inRow = 0;
        Clock::time_point last;
    };
    void refuse(std::uint64_t requester, int inRow, Clock::time_point now);
    void forgetOld(Clock::time_point now);

    std::size_t m_workers;
    double m_budgetMs;
    std::size_t m_maxQueue;
    double m_jobMs = 5.0;
    double m_jobDeviationMs = 0;
    std::size_t m_timedJobs = 0;
    std::unordered_map<std::uint64_t, Refused> m_refused;
    Clock::time_point m_lastSweep;
};

} // namespace doorpost::sync::central
