// The central's admission of Work requests (sync/central/work_admission.hpp): the queue budget,
// the cautious start, and fairness between doors by displacement. No threads or sockets: the
// server calls it under its queue mutex with what its queue holds.

#include "sync/central/work_admission.hpp"

#include <catch2/catch.hpp>

using doorpost::sync::central::WorkAdmission;
using namespace std::chrono_literals;

namespace {

const WorkAdmission::Clock::time_point t0{std::chrono::seconds(1000)};

// An admission whose jobs have all taken exactly `ms` (mean `ms`, deviation near zero).
WorkAdmission timedAt(double ms, std::size_t workers, std::chrono::milliseconds budget) {
    WorkAdmission admission(workers, budget, 1024);
    for (int i = 0; i < 200; ++i)
        admission.timed(ms);
    return admission;
}

} // namespace

TEST_CASE("admission: one job per worker until jobs are timed, then the budget decides",
          "[sync][central][admission]") {
    WorkAdmission fresh(2, 100ms, 1024);
    CHECK(fresh.decide(1, 0, {}, t0).queue);
    CHECK(fresh.decide(2, 1, {0}, t0).queue);
    // Nothing timed yet: a third waits outside, whatever the (untimed) estimate says.
    CHECK_FALSE(fresh.decide(3, 2, {0, 0}, t0).queue);
    CHECK(fresh.refusalsInRow(3) == 1);

    // Jobs of 10 ms on 2 workers: the n-th queued job is answered after (n/2 + 1) x 10 ms.
    WorkAdmission timed = timedAt(10, 2, 100ms);
    CHECK(timed.expectedMs(18) == Approx(100).epsilon(0.01));
    CHECK(timed.decide(1, 17, std::vector<int>(17, 0), t0).queue);
    CHECK_FALSE(timed.decide(2, 20, std::vector<int>(20, 0), t0).queue);
    CHECK(timed.refusalsInRow(1) == 0);
    CHECK(timed.refusalsInRow(2) == 1);
    // The full queue's hard limit holds even with a generous budget.
    WorkAdmission small(1, 10000ms, 4);
    for (int i = 0; i < 10; ++i)
        small.timed(1);
    CHECK_FALSE(small.decide(9, 4, {0, 0, 0, 0}, t0).queue);
}

TEST_CASE("admission: scattered job times shorten the queue", "[sync][central][admission]") {
    WorkAdmission steady = timedAt(20, 4, 250ms);
    WorkAdmission scattered(4, 250ms, 1024);
    for (int i = 0; i < 200; ++i)
        scattered.timed(i % 2 == 0 ? 5 : 35); // the same mean, 20 ms
    CHECK(scattered.expectedMs(16) > steady.expectedMs(16) * 1.5);
}

TEST_CASE("admission: a door refused again and again takes the place of one refused less",
          "[sync][central][admission]") {
    WorkAdmission admission = timedAt(50, 1, 100ms); // room for one waiting job
    const std::vector<int> full{2, 2};               // doors that waited longer than any here
    // Door 7 is refused twice: its priority is now 2.
    CHECK_FALSE(admission.decide(7, 2, full, t0).queue);
    CHECK_FALSE(admission.decide(7, 2, full, t0 + 1s).queue);
    CHECK(admission.refusalsInRow(7) == 2);
    // A fresh door cannot displace anyone; door 7 displaces the lowest, newest among equals.
    // (A door refused once already goes before a fresh one.)
    CHECK_FALSE(admission.decide(8, 3, {0, 1, 0}, t0 + 2s).queue);
    const auto decision = admission.decide(7, 3, {0, 1, 0}, t0 + 2s);
    CHECK(decision.queue);
    CHECK(decision.priority == 2);
    REQUIRE(decision.displaces.has_value());
    CHECK(*decision.displaces == 2);
    CHECK(admission.refusalsInRow(7) == 0);
    // Equal priority is no reason to displace: door 8 (refused once) meets a queue of ones.
    CHECK_FALSE(admission.decide(8, 3, {1, 1, 1}, t0 + 2s).queue);
    CHECK(admission.refusalsInRow(8) == 2);
    // The displaced job's door was refused after all, one refusal more than it came with.
    admission.displaced(5, 3, t0 + 2s);
    CHECK(admission.refusalsInRow(5) == 4);
}

TEST_CASE("admission: a door that stopped asking is forgotten", "[sync][central][admission]") {
    WorkAdmission admission = timedAt(50, 1, 100ms);
    const std::vector<int> full{5, 5};
    CHECK_FALSE(admission.decide(7, 2, full, t0).queue);
    CHECK(admission.refusalsInRow(7) == 1);
    CHECK_FALSE(admission.decide(8, 2, full, t0 + 10s).queue);
    CHECK(admission.refusalsInRow(7) == 1);
    CHECK_FALSE(admission.decide(8, 2, full, t0 + 40s).queue);
    CHECK(admission.refusalsInRow(7) == 0); // 40 s without a word
    CHECK(admission.refusalsInRow(8) == 2);
}
