#pragma once
// GET /metrics: the Prometheus text exposition format (version 0.0.4), which every operator's
// monitoring scrapes. Counters the server keeps in memory since it started (requests by route
// and status, events accepted, batches, conflicts, 429s, store latency) and gauges read from the
// store at each scrape (per door: seconds since last contact, acked lag, quarantined records,
// revoked; findings and alerts; the version of each published set). Several centrals over one
// PostgreSQL each report their own counters and the same store gauges.
//
// Threads meet here: every worker records into one CentralMetrics under its mutex; a scrape
// copies the counters under it and renders outside.

#include "sync/central/central_store.hpp"
#include "sync/central/http_server.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace doorpost::sync::central {

class CentralMetrics {
public:
    void request(const std::string& route, int status, double milliseconds);
    void push(std::int64_t inserted, int status);
    void storeCall(double milliseconds);

    struct Scrape {
        std::vector<DoorView> doors;
        std::vector<SetVersion> sets;
        HttpServerCounters server;
        std::int64_t nowMs = 0;
        std::int64_t quietAfterS = 300;
    };
    std::string render(const Scrape& scrape) const;

    // Histogram bucket bounds, seconds.
    static constexpr std::array<double, 11> kBuckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,   1.0,  2.5,   5.0};

private:
    struct Histogram {
        std::array<std::int64_t, kBuckets.size()> counts{};
        std::int64_t count = 0;
        double sum = 0;
        void observe(double seconds);
    };
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, int>, std::int64_t> m_requests;
    Histogram m_pushLatency;
    Histogram m_storeLatency;
    std::int64_t m_eventsAccepted = 0;
    std::int64_t m_batchesAccepted = 0;
    std::int64_t m_batchesRefused = 0;
    std::int64_t m_conflicts = 0;
};

// A label value escaped as the exposition format wants (backslash, quote, newline).
std::string metricLabel(const std::string& value);

} // namespace doorpost::sync::central
