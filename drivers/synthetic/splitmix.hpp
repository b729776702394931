#pragma once
// splitmix64: a tiny generator whose sequence is fixed by its definition, unlike the
// distributions of <random>, so renders and simulated scenes are identical across standard
// libraries.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace doorpost::drivers::synthetic {

class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double gaussian() { // Box-Muller
        const double u1 = std::max(uniform(), 1e-12);
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

private:
    std::uint64_t m_state;
};

} // namespace doorpost::drivers::synthetic
