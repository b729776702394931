#pragma once
// One `events` row read back into an Event: the column list every read of the log selects, and
// the mapping from a statement positioned on such a row. Shared by the event log's files.

#include "storage/event.hpp"
#include "storage/statement.hpp"

namespace doorpost::storage {

// The columns of `events` in the order rowToEvent() reads them.
inline constexpr const char* kEventColumns =
    "seq, event_id, epoch, device_id, wall_time_ms, monotonic_ms, boot_id, kind,"
    " credential_type, subject_key, masked_id, verdict, reasons, operator, detail,"
    " prev_hash, hash";

// A kind or verdict outside the CHECK constraints cannot be stored, so parsing cannot fail for
// rows this code wrote; an altered row that breaks them fails verification via its hash.
Event rowToEvent(const Statement& stmt);

} // namespace doorpost::storage
