#pragma once
// Roster candidates as an exam authority gives them: with their ID number. At import the
// central checks each number as the kiosk would (storage/base/id_number.hpp), turns it into the
// subject key (keyed with the deployment's subject secret and memory-hard: the same key a kiosk
// computes at manual registration) and the masked ID, and drops it: the full number is never
// stored at the central nor sent to a kiosk.

#include "storage/base/result.hpp"
#include "sync/pass/subject_key.hpp"
#include "sync/protocol.hpp"

#include <string_view>
#include <vector>

namespace doorpost::sync::central {

// The field operators put ID numbers in (CSV column or JSON Lines key).
inline constexpr const char* kIdNumberField = "id_number";

// Replaces each item's id_number by subject_key and masked_id. Items without one are left as
// they are (files that already carry subject keys). Fails, changing nothing the caller keeps,
// on the first bad number or an item that gives both, naming the candidate.
// About 35 ms of CPU per number, spread over the cores.
Result<void> hashRosterIdNumbers(std::vector<SetItem>& items, const pass::SubjectSecret& secret);

} // namespace doorpost::sync::central
