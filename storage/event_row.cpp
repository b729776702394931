#include "storage/event_row.hpp"

namespace doorpost::storage {

Event rowToEvent(const Statement& stmt) {
    Event event;
    event.seq = stmt.columnInt(0);
    event.eventId = stmt.columnText(1);
    event.epoch = stmt.columnText(2);
    event.deviceId = stmt.columnText(3);
    event.wallTimeMs = stmt.columnInt(4);
    event.monotonicMs = stmt.columnInt(5);
    event.bootId = stmt.columnText(6);
    event.kind = parseEventKind(stmt.columnText(7)).value_or(EventKind::System);
    event.credentialType = stmt.columnText(8);
    event.subjectKey = stmt.columnText(9);
    event.maskedId = stmt.columnText(10);
    event.verdict = parseVerdict(stmt.columnText(11)).value_or(Verdict::None);
    event.reasons = splitReasons(stmt.columnText(12));
    event.operatorId = stmt.columnText(13);
    event.detail = stmt.columnText(14);
    event.prevHash = stmt.columnText(15);
    event.hash = stmt.columnText(16);
    return event;
}

} // namespace doorpost::storage
