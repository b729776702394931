#include "sync/central/central_metrics.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace doorpost::sync::central {
namespace {

std::string number(double value) {
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

// A bucket bound as a label: the shortest text that reads back as the same number.
std::string bound(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

} // namespace

std::string metricLabel(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void CentralMetrics::Histogram::observe(double seconds) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i])
            counts[i] += 1;
    count += 1;
    sum += seconds;
}

void CentralMetrics::request(const std::string& route, int status, double milliseconds) {
    std::lock_guard lock(m_mutex);
    m_requests[{route, status}] += 1;
    if (route == "push" && status == 200)
        m_pushLatency.observe(milliseconds / 1000.0);
}

void CentralMetrics::push(std::int64_t inserted, int status) {
    std::lock_guard lock(m_mutex);
    if (status == 200) {
        m_batchesAccepted += 1;
        m_eventsAccepted += inserted;
    } else {
        m_batchesRefused += 1;
        if (status == 409)
            m_conflicts += 1;
    }
}

void CentralMetrics::storeCall(double milliseconds) {
    std::lock_guard lock(m_mutex);
    m_storeLatency.observe(milliseconds / 1000.0);
}

std::string CentralMetrics::render(const Scrape& scrape) const {
    std::map<std::pair<std::string, int>, std::int64_t> requests;
    Histogram push;
    Histogram store;
    std::int64_t accepted = 0;
    std::int64_t batchesAccepted = 0;
    std::int64_t batchesRefused = 0;
    std::int64_t conflicts = 0;
    {
        std::lock_guard lock(m_mutex);
        requests = m_requests;
        push = m_pushLatency;
        store = m_storeLatency;
        accepted = m_eventsAccepted;
        batchesAccepted = m_batchesAccepted;
        batchesRefused = m_batchesRefused;
        conflicts = m_conflicts;
    }
    std::ostringstream out;
    header(out, "doorpost_http_requests_total", "counter",
           "HTTP requests answered by this central, by route and status.");
    for (const auto& [key, count] : requests)
        out << "doorpost_http_requests_total{route=\"" << metricLabel(key.first) << "\",status=\""
            << key.second << "\"} " << count << '\n';
    header(out, "doorpost_http_busy_total", "counter",
           "Requests refused with 429 because the work queue was over its budget.");
    out << "doorpost_http_busy_total " << scrape.server.refusedBusy << '\n';
    header(out, "doorpost_http_connections", "gauge", "Open client connections.");
    out << "doorpost_http_connections " << scrape.server.connectionsOpen << '\n';
    header(out, "doorpost_http_queue_depth", "gauge", "Requests waiting for a worker.");
    out << "doorpost_http_queue_depth " << scrape.server.queued << '\n';

    header(out, "doorpost_events_accepted_total", "counter",
           "Events new to the central accepted by this process.");
    out << "doorpost_events_accepted_total " << accepted << '\n';
    header(out, "doorpost_push_batches_total", "counter", "Push batches, by outcome.");
    out << "doorpost_push_batches_total{outcome=\"accepted\"} " << batchesAccepted << '\n'
        << "doorpost_push_batches_total{outcome=\"refused\"} " << batchesRefused << '\n';
    header(out, "doorpost_push_conflicts_total", "counter",
           "Pushes refused with 409: a record already held with another hash.");
    out << "doorpost_push_conflicts_total " << conflicts << '\n';

    auto histogram = [&out](const char* name, const char* help, const Histogram& h) {
        header(out, name, "histogram", help);
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            out << name << "_bucket{le=\"" << bound(kBuckets[i]) << "\"} " << h.counts[i] << '\n';
        out << name << "_bucket{le=\"+Inf\"} " << h.count << '\n'
            << name << "_sum " << number(h.sum) << '\n'
            << name << "_count " << h.count << '\n';
    };
    histogram("doorpost_push_duration_seconds",
              "Time from a push request's first byte to its 200 answer.", push);
    histogram("doorpost_store_latency_seconds", "Time of each store call made for a request.",
              store);

    std::int64_t findings = 0;
    std::int64_t alerts = 0;
    std::map<std::string, std::int64_t> roles;
    std::int64_t revoked = 0;
    for (const DoorView& door : scrape.doors) {
        findings += door.findings;
        alerts += door.alerts;
        roles[door.role] += 1;
        revoked += door.revoked ? 1 : 0;
    }
    header(out, "doorpost_findings", "gauge",
           "Reconciliation findings held (double admissions, revoked passes used).");
    out << "doorpost_findings " << findings << '\n';
    header(out, "doorpost_alerts", "gauge", "Records a door sent again with another hash.");
    out << "doorpost_alerts " << alerts << '\n';
    header(out, "doorpost_principals", "gauge", "Enrolled principals, by role.");
    for (const char* role : {"door", "auditor", "operator"})
        out << "doorpost_principals{role=\"" << role << "\"} " << roles[role] << '\n';
    header(out, "doorpost_principals_revoked", "gauge", "Principals whose token is revoked.");
    out << "doorpost_principals_revoked " << revoked << '\n';

    const auto doors = [&scrape](auto&& emit) {
        for (const DoorView& door : scrape.doors)
            if (door.role == "door")
                emit(door);
    };
    header(out, "doorpost_door_seconds_since_contact", "gauge",
           "Seconds since the door's last request (+Inf: never heard from).");
    doors([&](const DoorView& door) {
        const double since = door.lastContactMs > 0
                                 ? static_cast<double>(scrape.nowMs - door.lastContactMs) / 1000.0
                                 : INFINITY;
        out << "doorpost_door_seconds_since_contact{device=\"" << metricLabel(door.name) << "\"} "
            << number(since) << '\n';
    });
    header(out, "doorpost_door_acked_lag_events", "gauge",
           "Events the door reported beyond what the central acknowledged.");
    doors([&](const DoorView& door) {
        out << "doorpost_door_acked_lag_events{device=\"" << metricLabel(door.name) << "\"} "
            << door.ackedLag << '\n';
    });
    header(out, "doorpost_door_quarantined_records", "gauge",
           "Records of the door held as quarantine stubs.");
    doors([&](const DoorView& door) {
        out << "doorpost_door_quarantined_records{device=\"" << metricLabel(door.name) << "\"} "
            << door.quarantined << '\n';
    });
    header(out, "doorpost_door_events", "gauge", "Events of the door the central holds.");
    doors([&](const DoorView& door) {
        out << "doorpost_door_events{device=\"" << metricLabel(door.name) << "\"} " << door.events
            << '\n';
    });
    header(out, "doorpost_door_revoked", "gauge", "1 when the door's token is revoked.");
    doors([&](const DoorView& door) {
        out << "doorpost_door_revoked{device=\"" << metricLabel(door.name) << "\"} "
            << (door.revoked ? 1 : 0) << '\n';
    });
    header(out, "doorpost_door_quiet", "gauge",
           "1 when the door has not been heard from within the quiet threshold.");
    doors([&](const DoorView& door) {
        const bool quiet = door.lastContactMs == 0 ||
                           scrape.nowMs - door.lastContactMs > scrape.quietAfterS * 1000;
        out << "doorpost_door_quiet{device=\"" << metricLabel(door.name) << "\"} "
            << (quiet ? 1 : 0) << '\n';
    });
    header(out, "doorpost_door_clock_offset_seconds", "gauge",
           "The door's clock minus the central's, at its last request.");
    doors([&](const DoorView& door) {
        if (door.clockOffsetMs)
            out << "doorpost_door_clock_offset_seconds{device=\"" << metricLabel(door.name)
                << "\"} " << number(static_cast<double>(*door.clockOffsetMs) / 1000.0) << '\n';
    });
    header(out, "doorpost_set_version", "gauge", "The version of each published set.");
    for (const SetVersion& set : scrape.sets)
        out << "doorpost_set_version{set=\"" << metricLabel(set.name) << "\"} " << set.version
            << '\n';
    return out.str();
}

} // namespace doorpost::sync::central
