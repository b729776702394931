#include "drivers/capture/duplicate_filter.hpp"

namespace doorpost::drivers::capture {

bool DuplicateFilter::accept(decode::CodeFormat format, const std::vector<std::uint8_t>& bytes,
                             camera::FrameClock::time_point seen) {
    // Drop codes that have been gone long enough, so the map stays as small as what is in view.
    for (auto it = m_lastSeen.begin(); it != m_lastSeen.end();) {
        it = seen - it->second >= m_goneAfter ? m_lastSeen.erase(it) : std::next(it);
    }
    std::string key(1, static_cast<char>(format));
    key.append(bytes.begin(), bytes.end());
    const auto [it, inserted] = m_lastSeen.try_emplace(std::move(key), seen);
    if (!inserted) {
        it->second = seen; // still in view: extend, do not report
    }
    return inserted;
}

} // namespace doorpost::drivers::capture
