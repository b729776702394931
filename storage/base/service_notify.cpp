#include "storage/base/service_notify.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <systemd/sd-daemon.h>

namespace doorpost {

ServiceNotifier ServiceNotifier::fromEnvironment() {
    ServiceNotifier notifier;
    const char* socket = std::getenv("NOTIFY_SOCKET");
    notifier.m_active = socket != nullptr && *socket != '\0';
    if (const char* usec = std::getenv("WATCHDOG_USEC"); notifier.m_active && usec != nullptr) {
        char* end = nullptr;
        const unsigned long long timeout = std::strtoull(usec, &end, 10);
        if (end != usec && *end == '\0' && timeout > 0) {
            notifier.m_every =
                std::chrono::milliseconds(std::max<unsigned long long>(1, timeout / 2000));
        }
    }
    return notifier;
}

void ServiceNotifier::send(std::string_view state) {
    if (!m_active) {
        return;
    }
    // A failed send changes nothing for the door: the service manager then times us out, which
    // is the point of the watchdog.
    (void)sd_notify(0, std::string(state).c_str());
}

void ServiceNotifier::ready() {
    if (m_readySent) {
        return;
    }
    m_readySent = true;
    send("READY=1");
}

void ServiceNotifier::alive(Clock::time_point now) {
    if (!m_active || m_every.count() == 0 || now - m_lastAlive < m_every) {
        return;
    }
    m_lastAlive = now;
    send("WATCHDOG=1");
}

void ServiceNotifier::stopping() {
    send("STOPPING=1");
}

} // namespace doorpost
