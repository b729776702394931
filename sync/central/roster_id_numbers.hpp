#pragma once
// Roster candidates as an exam authority gives them: with their ID number. At import the
// central checks each number as the kiosk would (sync/pass/id_number.hpp), turns it into the
// salted subject key (the same key a kiosk computes at manual registration, with the
// deployment's salt) and the masked ID, and drops it: the full number is never stored at the
// central nor sent to a kiosk.

#include "storage/base/result.hpp"
#include "sync/protocol.hpp"

#include <string_view>
#include <vector>

namespace doorpost::sync::central {

// The field operators put ID numbers in (CSV column or JSON Lines key).
inline constexpr const char* kIdNumberField = "id_number";

// Replaces each item's id_number by subject_key and masked_id. Items without one are left as
// they are (files that already carry subject keys). Fails, changing nothing the caller keeps,
// on the first bad number or an item that gives both, naming the candidate.
Result<void> hashRosterIdNumbers(std::vector<SetItem>& items, std::string_view subjectSalt);

} // namespace doorpost::sync::central
