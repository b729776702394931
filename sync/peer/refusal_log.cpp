#include "sync/peer/refusal_log.hpp"

#include "storage/base/journal_log.hpp"

namespace doorpost::sync::peer {

void RefusalLog::refused(const std::string& reason, const std::string& detail) {
    const auto now = std::chrono::steady_clock::now();
    std::int64_t suppressed = 0;
    {
        std::lock_guard lock(m_mutex);
        ++m_total;
        Entry& entry = m_entries[reason];
        if (entry.logged && now - entry.lastLogged < m_interval) {
            ++entry.suppressed;
            return;
        }
        suppressed = entry.suppressed;
        entry = {now, 0, true};
    }
    // Written outside the lock: a slow stderr must not hold the other workers.
    logLine(LogPriority::Warning, "doorpost",
            "mesh: refused a peer request: " + reason + " (" + detail + ")" +
                (suppressed > 0 ? "; " + std::to_string(suppressed) + " more refused like it"
                                : std::string()));
}

std::int64_t RefusalLog::total() const {
    std::lock_guard lock(m_mutex);
    return m_total;
}

} // namespace doorpost::sync::peer
