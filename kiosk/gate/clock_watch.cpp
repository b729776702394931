#include "kiosk/gate/clock_watch.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/clock_evidence.hpp"

#include <algorithm>

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

} // namespace doorpost::kiosk::gate
