// The clock-step watcher (docs/clock.md, "Living with timesyncd / chrony"): it arms a timerfd
// cancelled on set, stays quiet while nobody sets the clock (a slew or the time passing is no
// step) and stops at once. A real step cannot be made here: setting the clock of a machine
// shared with other work would step theirs too; the door's faketime test covers the re-reading
// through the per-frame check.
#include "kiosk/app/clock_step_watcher.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <poll.h>
#include <thread>

using namespace doorpost::kiosk;

TEST_CASE("the clock-step signal is armed and quiet without a step, the watcher stops at once") {
    auto signal = gate::ClockStepSignal::open();
    REQUIRE(signal.ok());
    pollfd fd{signal.value().fd(), POLLIN, 0};
    CHECK(::poll(&fd, 1, 50) == 0); // armed at the end of time, not expired, not cancelled
    CHECK_FALSE(signal.value().stepped());

    std::atomic<int> steps{0};
    auto watcher = app::ClockStepWatcher::start([&steps] { ++steps; });
    REQUIRE(watcher.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(steps == 0);
    const auto before = std::chrono::steady_clock::now();
    watcher.value().reset();
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
}
