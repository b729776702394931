#pragma once
// Roster files: CSV in UTF-8 (an optional BOM) or GB18030 (Excel's and WPS's default for Chinese),
// an optional header row, one candidate a row:
//   candidate number, name, ID number, session, room, seat
// Read by the one CSV reader (storage/base/csv.hpp): quoted fields with "" escapes and line
// breaks are accepted. Every row is checked before anything is stored; the first bad row is
// named with its line number.

#include "storage/base/result.hpp"
#include "storage/roster_store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::gate {

// ID numbers become salted subject keys and masked IDs here: the roster never stores them.
Result<std::vector<storage::RosterEntry>> parseRosterCsv(std::string_view bytes,
                                                         std::string_view subjectSalt);

} // namespace doorpost::kiosk::gate
