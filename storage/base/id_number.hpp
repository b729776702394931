#pragma once
// Identity document numbers typed at manual registration or read from a barcode.
//  - Resident ID (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check character, a real
//    birth date, and an area code whose first two digits are a province-level code of
//    GB/T 2260 (plus 71 Taiwan, 81 Hong Kong, 82 Macau, 83 Taiwan residence permits). The
//    county digits are not checked: the national list changes every year and a kiosk
//    that refuses a real person's card because its table is old is worse than one that trusts
//    the check character.
//  - Passports and HK/Macau/Taiwan permits: format only (they carry no check digit).

#include "storage/base/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace doorpost {

enum class IdType { Resident, Passport, Permit, Other };

std::string_view idTypeName(IdType type);
Result<IdType> parseIdType(std::string_view name);

struct CheckedId {
    IdType type = IdType::Other;
    std::string normalised; // upper case, spaces removed: what the subject key hashes
    std::string masked;     // what may be shown and stored in the clear
};

// What is wrong with a resident ID number, judged on as much of it as is there: the keypad
// preview asks while it is typed, the gate on the whole number, so both apply one rule. Checks
// run in the order the digits are typed (characters, area, birth date, check character); a
// birth date after `todayYmd` (yyyymmdd), when given, is impossible.
enum class ResidentIdProblem {
    None,
    Incomplete,
    TooLong,
    Characters,
    Area,
    BirthDate,
    CheckCharacter
};
ResidentIdProblem residentIdProblem(std::string_view normalised,
                                    std::optional<int> todayYmd = std::nullopt);

// Each failure has its own message naming the problem (length, characters, area, date,
// check character), so staff can tell a typo from a fake.
Result<CheckedId> checkResidentId(std::string_view text,
                                  std::optional<int> todayYmd = std::nullopt);
Result<CheckedId> checkPassport(std::string_view text);
Result<CheckedId> checkPermit(std::string_view text);
Result<CheckedId> checkIdNumber(IdType type, std::string_view text,
                                std::optional<int> todayYmd = std::nullopt);
// A roster's ID column, whose type is not given: a resident ID gets every check; anything not
// 18 characters long may instead be a passport or permit (format only). An 18-character number
// that fails is named by the resident ID check (a typo there must not pass as something else).
Result<CheckedId> checkRosterIdNumber(std::string_view text);

// The GB 11643-1999 check character for the first 17 digits.
char residentIdCheckCharacter(std::string_view first17);

// The normal form an ID number is hashed in: upper case, without spaces, '-' or tabs.
std::string normaliseIdNumber(std::string_view text);
// What may be shown in the clear: the first and last four characters of long numbers
// ("1101**********002X"), the first one and last two of short ones.
std::string maskIdNumber(std::string_view normalised);

} // namespace doorpost
