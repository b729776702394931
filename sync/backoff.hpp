#pragma once
// How a door waits before trying the central again. Both ends of the protocol use it: the
// kiosk's sync worker, and `doorpost-central bench fleet`, whose simulated doors must pace
// themselves exactly as real ones do.
//
// Two cases, because they call for different answers:
// - A failure (unreachable, a 5xx): full-jitter exponential backoff. After the n-th failure in a
//   row, wait a uniformly random time in [0, min(cap, base * 2^n)]. Randomness spreads doors that
//   lost the central at the same moment so they do not all return at once. A Retry-After from
//   the server sets a floor.
// - Busy (429 with Retry-After): the central is up and has said when to come back. Waiting
//   longer than it asked only leaves it idle while the fleet's backlog waits; escalating did
//   exactly that after an outage (doors slept up to a minute while the central had nothing to
//   do). So a busy answer waits between R and 2R (R = Retry-After, at least one second), spread
//   so the doors do not return together, and does not count as a failure.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace doorpost::sync {

class Backoff {
public:
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed)
        : m_base(base), m_cap(cap), m_random(seed) {}

    // The wait after a failure, given the server's Retry-After (seconds, -1 when none).
    std::chrono::milliseconds next(long retryAfterSeconds = -1) {
        const auto exponent = m_failures < 30 ? m_failures : 30;
        ++m_failures;
        const auto ceiling = std::min<std::int64_t>(m_cap.count(), m_base.count() << exponent);
        std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
        auto wait = std::chrono::milliseconds(pick(m_random));
        if (retryAfterSeconds >= 0)
            wait = std::max(wait, std::chrono::milliseconds(retryAfterSeconds * 1000));
        return wait;
    }

    // The wait after a busy answer (429) that asked for retryAfterSeconds (-1: none, taken as
    // one second). Never shorter than asked, never more than twice that. Like next()'s floor,
    // the ask is not capped here (the caller bounds what it accepts from a server).
    std::chrono::milliseconds busy(long retryAfterSeconds) {
        const std::int64_t asked = std::int64_t{std::max<long>(retryAfterSeconds, 1)} * 1000;
        std::uniform_int_distribution<std::int64_t> pick(asked, 2 * asked);
        return std::chrono::milliseconds(pick(m_random));
    }

    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_cap;
    std::mt19937_64 m_random;
    int m_failures = 0;
};

} // namespace doorpost::sync
