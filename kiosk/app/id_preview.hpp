#pragma once
// Live checking of an ID number while it is typed, so staff can compare with the card before
// confirming: the check character of a resident ID (GB 11643-1999, ISO 7064 MOD 11-2), the birth
// date and sex it encodes, and format checks for passports and permits. It applies the gate's own
// rule (storage/base/id_number.hpp), so "valid" here is exactly what the gate accepts; the gate
// still checks again before anything is recorded.

#include "kiosk/app/ports.hpp"

#include <string>
#include <string_view>

namespace doorpost::kiosk::app {

enum class IdStatus {
    Empty,
    Incomplete,
    CheckOk,
    CheckWrong,
    BadDate,
    BadArea,
    TooLong,
    BadFormat,
    FormatOk
};
const char* idStatusName(IdStatus status); // "check_ok", ... for scripts

struct IdPreview {
    IdStatus status = IdStatus::Empty;
    bool valid = false;    // may be confirmed
    std::string birthDate; // "1949-12-31" once the date digits are typed and possible
    char sex = 0;          // 'M' or 'F' once the sequence digit is typed
};

// `todayYmd` is today's date as yyyymmdd (a birth date after it is impossible).
IdPreview previewId(IdType type, std::string_view number, int todayYmd);

} // namespace doorpost::kiosk::app
