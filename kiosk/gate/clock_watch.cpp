#include "kiosk/gate/clock_watch.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/clock_evidence.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/timerfd.h>
#include <unistd.h>

namespace doorpost::kiosk::gate {

std::int64_t buildDateMs() {
    return static_cast<std::int64_t>(DOORPOST_BUILD_EPOCH) * 1000;
}

nlohmann::json clockJson(const policy::ClockReading& reading, std::int64_t lastEventWallMs) {
    nlohmann::json out = {{"state", policy::toString(reading.state)},
                          {"offset_ms", reading.offsetMs}};
    if (reading.state != policy::ClockState::Ok) {
        out["estimate"] = formatIsoTime(reading.estimateMs / 1000);
        out["basis"] = reading.basis;
        if (!reading.exact)
            out["floor"] = true;
    }
    // Never silently: a wall time before the latest one in the log is recorded as such.
    if (reading.wallMs < lastEventWallMs)
        out["wall_back_ms"] = lastEventWallMs - reading.wallMs;
    return out;
}

Result<ClockWatch> ClockWatch::open(storage::Database& db) {
    ClockWatch watch(db);
    watch.m_bootId = storage::currentBootId();
    auto last = storage::latestEventWallMs(db);
    if (!last)
        return last.error();
    watch.m_lastEventMs = *last;
    auto trust = storage::latestTrustFetchMs(db);
    if (!trust)
        return trust.error();
    watch.m_trustFloorMs = *trust;
    return watch;
}

Result<policy::ClockReading> ClockWatch::read(std::int64_t wallMs, std::int64_t boottimeMs) {
    policy::ClockEvidence evidence;
    evidence.wallMs = wallMs >= 0 ? wallMs : storage::realtimeMs();
    const std::int64_t boottime = boottimeMs >= 0 ? boottimeMs : storage::boottimeMs();
    auto anchor = storage::latestAnchorInBoot(*m_db, m_bootId);
    if (!anchor)
        return anchor.error();
    if (*anchor && boottime >= (*anchor)->boottimeMs) {
        evidence.anchoredMs = (*anchor)->referenceMs + (boottime - (*anchor)->boottimeMs);
        evidence.anchorSource = std::string(storage::toString((*anchor)->source));
    } else {
        // Floors count only without an anchor of this boot (assessClock), so the gate's usual
        // read, once a sync has anchored the boot, is one query, not two.
        auto anchorFloor = storage::latestAnchorReferenceMs(*m_db);
        if (!anchorFloor)
            return anchorFloor.error();
        evidence.anchorFloorMs = *anchorFloor;
    }
    evidence.lastEventMs = m_lastEventMs;
    evidence.trustFloorMs = m_trustFloorMs;
    evidence.buildMs = buildDateMs();
    return policy::assessClock(evidence);
}

void ClockWatch::noteEvent(std::int64_t wallMs) {
    m_lastEventMs = std::max(m_lastEventMs, wallMs);
}

Result<ClockStepSignal> ClockStepSignal::open() {
    const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0)
        return environmentFault(std::string("timerfd_create: ") + std::strerror(errno));
    ClockStepSignal signal(fd);
    if (!signal.arm())
        return environmentFault(std::string("timerfd_settime: ") + std::strerror(errno));
    return signal;
}

ClockStepSignal::ClockStepSignal(ClockStepSignal&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

ClockStepSignal& ClockStepSignal::operator=(ClockStepSignal&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

ClockStepSignal::~ClockStepSignal() {
    if (m_fd >= 0)
        ::close(m_fd);
}

bool ClockStepSignal::arm() {
    // Never expires (9999-12-31T23:59:59Z): only a step of the clock ends the wait.
    itimerspec spec{};
    spec.it_value.tv_sec = 253402300799;
    return ::timerfd_settime(m_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) ==
           0;
}

bool ClockStepSignal::stepped() {
    std::uint64_t expirations = 0;
    const ssize_t n = ::read(m_fd, &expirations, sizeof expirations);
    if (n < 0 && errno == ECANCELED) {
        // The clock was set: the timer is cancelled until armed again.
        arm();
        return true;
    }
    return false;
}

} // namespace doorpost::kiosk::gate
