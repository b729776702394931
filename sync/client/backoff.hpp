#pragma once
// Full-jitter exponential backoff: after the n-th failure in a row, wait a uniformly random time
// in [0, min(cap, base * 2^n)]. Randomness spreads doors that lost the central at the same moment
// so they do not all return at once. A Retry-After from the server sets a floor.

#include <chrono>
#include <cstdint>
#include <random>

namespace doorpost::sync::client {

class Backoff {
public:
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed)
        : m_base(base), m_cap(cap), m_random(seed) {}

    // The wait before the next attempt, given the server's Retry-After (seconds, -1 when none).
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
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_cap;
    std::mt19937_64 m_random;
    int m_failures = 0;
};

} // namespace doorpost::sync::client
