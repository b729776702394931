// EventLog's reads by wall time, without a wall-time index (migration 6). Every block of
// kBlock seqs has a row in events_wall_time with the block's smallest and largest wall
// time, written in the transaction of the append that completes the block. A read scans, by
// seq, only the blocks whose [min, max] meets the range, every block without a summary (the
// tail still filling, or one lost to a damaged file), and nothing else. That keeps an append to
// the pages it must write, and a read of one day of a million events to that day's blocks.

#include "storage/event_log.hpp"
#include "storage/event_row.hpp"

#include <algorithm>
#include <limits>

namespace doorpost::storage {

namespace {

using SeqRange = std::pair<std::int64_t, std::int64_t>;

// Appends [first, last], merged with the previous range when they touch.
void addRange(std::vector<SeqRange>& ranges, std::int64_t first, std::int64_t last) {
    if (!ranges.empty() && ranges.back().second + 1 >= first) {
        ranges.back().second = std::max(ranges.back().second, last);
        return;
    }
    ranges.emplace_back(first, last);
}

} // namespace

Result<std::vector<SeqRange>> EventLog::wallTimeCandidates(std::int64_t fromMs, std::int64_t toMs) {
    std::vector<SeqRange> ranges;
    if (fromMs >= toMs) {
        return ranges;
    }
    auto blocks = m_db->prepare(
        "SELECT block, min_wall_ms, max_wall_ms FROM events_wall_time ORDER BY block");
    if (!blocks) {
        return blocks.error();
    }
    std::int64_t nextSeq = 1; // the first seq not yet placed in or out
    for (;;) {
        auto row = blocks->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        const std::int64_t first = blocks->columnInt(0) * kBlock + 1;
        const std::int64_t last = first + kBlock - 1;
        if (first > nextSeq) {
            addRange(ranges, nextSeq, first - 1); // no summary: may hold anything
        }
        const bool meets = blocks->columnInt(2) >= fromMs && blocks->columnInt(1) < toMs;
        if (meets) {
            addRange(ranges, first, last);
        }
        nextSeq = std::max(nextSeq, last + 1);
    }
    addRange(ranges, nextSeq, std::numeric_limits<std::int64_t>::max()); // the tail
    return ranges;
}

Result<void> EventLog::forEachInWallTimeRange(std::int64_t fromMs, std::int64_t toMs,
                                              const std::function<bool(const Event&)>& visit) {
    auto ranges = wallTimeCandidates(fromMs, toMs);
    if (!ranges) {
        return ranges.error();
    }
    auto stmt = m_db->prepare(std::string("SELECT ") + kEventColumns +
                              " FROM events WHERE seq BETWEEN ? AND ?"
                              " AND wall_time_ms >= ? AND wall_time_ms < ? ORDER BY seq");
    if (!stmt) {
        return stmt.error();
    }
    for (const auto& [first, last] : *ranges) {
        stmt->bind(1, first).bind(2, last).bind(3, fromMs).bind(4, toMs);
        for (;;) {
            auto row = stmt->step();
            if (!row) {
                return row.error();
            }
            if (!*row) {
                break;
            }
            if (!visit(rowToEvent(*stmt))) {
                return {};
            }
        }
        stmt->reset();
    }
    return {};
}

Result<std::vector<Event>> EventLog::readWallTimeRange(std::int64_t fromMs, std::int64_t toMs,
                                                       std::size_t limit) {
    std::vector<Event> events;
    auto read = forEachInWallTimeRange(fromMs, toMs, [&events](const Event& event) {
        events.push_back(event);
        return true;
    });
    if (!read) {
        return read.error();
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return a.wallTimeMs != b.wallTimeMs ? a.wallTimeMs < b.wallTimeMs : a.seq < b.seq;
    });
    if (events.size() > limit) {
        events.resize(limit);
    }
    return events;
}

Result<std::optional<EventLog::SeqSpan>> EventLog::seqSpanInWallTimeRange(std::int64_t fromMs,
                                                                          std::int64_t toMs) {
    auto ranges = wallTimeCandidates(fromMs, toMs);
    if (!ranges) {
        return ranges.error();
    }
    // The first match searching the ranges upwards, the last searching them downwards: both
    // stop at the first hit, so a period covering the whole log costs two short scans.
    const auto findIn = [&](const char* sql, const SeqRange& range) -> Result<std::int64_t> {
        auto stmt = m_db->prepare(sql);
        if (!stmt) {
            return stmt.error();
        }
        stmt->bind(1, range.first).bind(2, range.second).bind(3, fromMs).bind(4, toMs);
        auto row = stmt->step();
        if (!row) {
            return row.error();
        }
        return *row ? stmt->columnInt(0) : 0;
    };
    constexpr const char* kFirst =
        "SELECT seq FROM events WHERE seq BETWEEN ? AND ?"
        " AND wall_time_ms >= ? AND wall_time_ms < ? ORDER BY seq LIMIT 1";
    constexpr const char* kLast =
        "SELECT seq FROM events WHERE seq BETWEEN ? AND ?"
        " AND wall_time_ms >= ? AND wall_time_ms < ? ORDER BY seq DESC LIMIT 1";
    SeqSpan span;
    for (auto it = ranges->begin(); it != ranges->end() && span.first == 0; ++it) {
        auto found = findIn(kFirst, *it);
        if (!found) {
            return found.error();
        }
        span.first = *found;
    }
    if (span.first == 0) {
        return std::optional<SeqSpan>();
    }
    for (auto it = ranges->rbegin(); it != ranges->rend() && span.last == 0; ++it) {
        auto found = findIn(kLast, *it);
        if (!found) {
            return found.error();
        }
        span.last = *found;
    }
    return std::optional<SeqSpan>(span);
}

} // namespace doorpost::storage
