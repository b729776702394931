// EventLog's re-entry lookup, without an index that every append writes (migration 8). The
// append that completes a block of kBlock seqs files the block's admits in
// admissions_by_subject (subject key prefix, seq), in its own transaction; the admits of the
// block still filling are the view recent_admissions, at most kBlock - 1 rows read by seq. A
// lookup reads the recent ones first: any admit there is newer than every filed one. Only when
// there is none does it read the filed ones. Filing only ever adds, so a block filed by another
// connection between the two reads is found by the second.

#include "storage/event_log.hpp"
#include "storage/event_row.hpp"

namespace doorpost::storage {

Result<std::optional<Event>> EventLog::firstEventOf(Statement& stmt, std::string_view subjectKey) {
    stmt.bind(1, subjectKey);
    auto row = stmt.step();
    std::optional<Event> event;
    if (row && *row) {
        event = rowToEvent(stmt);
    }
    stmt.reset();
    if (!row) {
        return row.error();
    }
    return event;
}

Result<std::optional<Event>> EventLog::lastAdmission(std::string_view subjectKey) {
    auto recent = firstEventOf(m_recentAdmission, subjectKey);
    if (!recent || recent->has_value()) {
        return recent;
    }
    return firstEventOf(m_filedAdmission, subjectKey);
}

} // namespace doorpost::storage
