#pragma once
// The gate's view of the clock (docs/clock.md): gathers the evidence the database and the
// system hold (storage/clock_evidence) and reads it through the pure rules
// (kiosk/policy/clock_rules). The floors are read once at open and raised by each event this
// process writes; the anchor of this boot is looked up at every read (one indexed row), so a
// sync in another process (the worker's connection, `doorpost sync`) counts at the next read.
//
// Threads: a ClockWatch borrows one Database and is used by the thread that owns it (the gate's).

#include "kiosk/policy/clock_rules.hpp"
#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace doorpost::kiosk::gate {

// The build's date (configure time), the floor below which no clock can be right.
std::int64_t buildDateMs();

// What an event's detail records of the clock: {"state", "offset_ms"} always; "estimate"
// (ISO 8601) and "basis" when not ok, "floor": true when the estimate is only a floor, and
// "wall_back_ms" when the wall time is earlier than the latest one in the log.
nlohmann::json clockJson(const policy::ClockReading& reading, std::int64_t lastEventWallMs);

// Tells at once when the system clock is stepped (clock_settime, settimeofday, timesyncd or
// chrony stepping, the RTC read at resume): a timerfd on CLOCK_REALTIME armed at the end of time
// with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, whose read() fails with ECANCELED when the
// clock is set. The kiosk never sets the clock; a step only makes it judge the clock again.
// A slew (adjtime, NTP's gradual correction) is no step and does not fire.
//
// Threads: one thread waits on fd() (poll, POLLIN) and calls stepped(); nothing else touches it.
class ClockStepSignal {
public:
    // An environment fault where timerfd or TFD_TIMER_CANCEL_ON_SET is unavailable (the caller
    // then keeps only its own detection, docs/clock.md).
    static Result<ClockStepSignal> open();
    ClockStepSignal(ClockStepSignal&& other) noexcept;
    ClockStepSignal& operator=(ClockStepSignal&& other) noexcept;
    ClockStepSignal(const ClockStepSignal&) = delete;
    ClockStepSignal& operator=(const ClockStepSignal&) = delete;
    ~ClockStepSignal();

    int fd() const { return m_fd; }
    // After fd() polled readable: true when the clock was stepped since the last call (the timer
    // is armed again for the next step), false when nothing happened (non-blocking).
    bool stepped();

private:
    explicit ClockStepSignal(int fd) : m_fd(fd) {}
    bool arm();
    int m_fd = -1;
};

class ClockWatch {
public:
    static Result<ClockWatch> open(storage::Database& db);

    // The clock state now. `wallMs` / `boottimeMs` < 0: read the clocks.
    Result<policy::ClockReading> read(std::int64_t wallMs = -1, std::int64_t boottimeMs = -1);
    // An event was written with this wall time while the estimate was `estimateMs`.
    void noteEvent(std::int64_t wallMs);
    // The latest wall time in the log (what "the wall clock went back" is measured against).
    std::int64_t lastEventWallMs() const { return m_lastEventMs; }
    const std::string& bootId() const { return m_bootId; }

private:
    explicit ClockWatch(storage::Database& db) : m_db(&db) {}
    storage::Database* m_db;
    std::string m_bootId;
    std::int64_t m_lastEventMs = 0;
    std::int64_t m_trustFloorMs = 0;
};

} // namespace doorpost::kiosk::gate
