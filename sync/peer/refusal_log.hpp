#pragma once
// The peer server's journal lines about requests it refused. A hostile or broken client can
// send thousands a second; the journal gets one line per reason at most once every
// `interval`, saying how many like it were refused meanwhile, so a flood costs a counter, not
// the disk the door records on.
//
// Threads: the server's workers call refused() at once; one mutex, held for a map lookup.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace doorpost::sync::peer {

class RefusalLog {
public:
    explicit RefusalLog(std::chrono::milliseconds interval = std::chrono::seconds(10))
        : m_interval(interval) {}

    // `reason` is a fixed text (it keys the rate limit); `detail` varies (who, what).
    void refused(const std::string& reason, const std::string& detail);
    std::int64_t total() const;

private:
    struct Entry {
        std::chrono::steady_clock::time_point lastLogged{};
        std::int64_t suppressed = 0;
        bool logged = false;
    };
    std::chrono::milliseconds m_interval;
    mutable std::mutex m_mutex;
    std::map<std::string, Entry> m_entries;
    std::int64_t m_total = 0;
};

} // namespace doorpost::sync::peer
