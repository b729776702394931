#pragma once
// The service manager's protocol (sd_notify, libsystemd): READY=1 when the service is up,
// WATCHDOG=1 often enough that a stuck process is killed and restarted, STOPPING=1 on the way
// out. Outside systemd ($NOTIFY_SOCKET unset) every call does nothing.
//
// The kiosk runs as a child of cage, so $WATCHDOG_PID is cage's pid and libsystemd's
// sd_watchdog_enabled() answers 0 in doorpost (packaging/README.md): the interval is read from
// $WATCHDOG_USEC itself, and sd_notify() does not care which pid sends (NotifyAccess=all).
//
// Threads: one object per sending thread (the kiosk's UI thread); it holds no lock.

#include <chrono>
#include <string_view>

namespace doorpost {

class ServiceNotifier {
public:
    using Clock = std::chrono::steady_clock;

    // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC now.
    static ServiceNotifier fromEnvironment();

    bool active() const { return m_active; }
    // How often alive() must send: half the watchdog's timeout (systemd's advice); zero when
    // there is no watchdog.
    std::chrono::milliseconds watchdogEvery() const { return m_every; }

    // READY=1, the first time only.
    void ready();
    // WATCHDOG=1 when the last one is `watchdogEvery()` old: call it from the loop that must not
    // get stuck, as often as it turns; it costs a clock read when nothing is due.
    void alive(Clock::time_point now = Clock::now());
    void stopping();
    // Any other assignment (STATUS=..., RELOADING=1), as is.
    void send(std::string_view state);

private:
    bool m_active = false;
    bool m_readySent = false;
    std::chrono::milliseconds m_every{0};
    Clock::time_point m_lastAlive{};
};

} // namespace doorpost
