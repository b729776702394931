#include "kiosk/app/clock_step_watcher.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <poll.h>
#include <string>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace doorpost::kiosk::app {

Result<std::unique_ptr<ClockStepWatcher>> ClockStepWatcher::start(std::function<void()> onStep) {
    auto signal = gate::ClockStepSignal::open();
    if (!signal)
        return signal.error();
    const int stopFd = ::eventfd(0, EFD_CLOEXEC);
    if (stopFd < 0)
        return environmentFault(std::string("eventfd: ") + std::strerror(errno));
    return std::unique_ptr<ClockStepWatcher>(
        new ClockStepWatcher(std::move(*signal), stopFd, std::move(onStep)));
}

ClockStepWatcher::ClockStepWatcher(gate::ClockStepSignal signal, int stopFd,
                                   std::function<void()> onStep)
    : m_signal(std::move(signal)), m_stopFd(stopFd), m_onStep(std::move(onStep)),
      m_thread([this] { run(); }) {}

ClockStepWatcher::~ClockStepWatcher() {
    // Threads meet here: the owner's thread wakes the watcher through the eventfd, then joins.
    const std::uint64_t one = 1;
    (void)!::write(m_stopFd, &one, sizeof one);
    m_thread.join();
    ::close(m_stopFd);
}

void ClockStepWatcher::run() {
    for (;;) {
        pollfd fds[2] = {{m_signal.fd(), POLLIN, 0}, {m_stopFd, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return; // the per-frame check still notices steps
        }
        if (fds[1].revents != 0)
            return;
        if (fds[0].revents != 0 && m_signal.stepped())
            m_onStep();
    }
}

} // namespace doorpost::kiosk::app
