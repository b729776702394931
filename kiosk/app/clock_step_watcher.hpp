#pragma once
// ClockStepWatcher: a thread that waits for the system clock to be stepped (gate::
// ClockStepSignal, a timerfd cancelled on set) and says so at once, so the door judges its clock
// again the moment timesyncd, chrony or a person sets it, not at its next periodic status read
// (which, on an idle door, may be a minute away). The UI loop keeps its own per-frame check
// (CLOCK_REALTIME - CLOCK_BOOTTIME) as the fallback where timerfd is unavailable.

#include "kiosk/gate/clock_watch.hpp"

#include <functional>
#include <memory>
#include <thread>

namespace doorpost::kiosk::app {

class ClockStepWatcher {
public:
    // `onStep` runs on the watcher's thread at each step: it must only hand the news on (post to
    // the UI queue). Fails (environment) where timerfd cannot signal steps.
    static Result<std::unique_ptr<ClockStepWatcher>> start(std::function<void()> onStep);
    ~ClockStepWatcher(); // wakes the thread and joins it
    ClockStepWatcher(const ClockStepWatcher&) = delete;
    ClockStepWatcher& operator=(const ClockStepWatcher&) = delete;

private:
    ClockStepWatcher(gate::ClockStepSignal signal, int stopFd, std::function<void()> onStep);
    void run();

    gate::ClockStepSignal m_signal;
    int m_stopFd; // an eventfd: the destructor writes it to end the wait
    std::function<void()> m_onStep;
    std::thread m_thread; // last: starts once the rest is in place
};

} // namespace doorpost::kiosk::app
