#pragma once
// Roster files: UTF-8 CSV (an optional BOM, an optional header row), one candidate a row:
//   candidate number, name, ID number, session, room, seat
// Quoted fields with "" escapes are accepted (Excel/WPS write them). Every row is checked
// before anything is stored; the first bad row is named with its line number.

#include "storage/base/result.hpp"
#include "storage/roster_store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::gate {

// ID numbers become salted subject keys and masked IDs here: the roster never stores them.
Result<std::vector<storage::RosterEntry>> parseRosterCsv(std::string_view text,
                                                         std::string_view subjectSalt);

} // namespace doorpost::kiosk::gate
