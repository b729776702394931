#pragma once
// ISO 8601 date-times as the DCC corpus, `scan --at`, `export --from` and the central's set
// valid-until write them (shared by kiosk and sync, so it lives here): YYYY-MM-DDTHH:MM:SS with
// optional fraction (any digits, truncated) and zone (Z, +HH:MM, +HHMM; none means UTC).

#include "storage/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace doorpost {

// A day of the proleptic Gregorian calendar: month 1-12, day within that month (leap years
// included). 2026-02-31 is not one.
bool isValidCivilDate(int year, int month, int day);

// Refuses impossible dates and times (2026-02-31, 24:00, 12:60) naming the field.
Result<std::int64_t> parseIsoTime(std::string_view text); // seconds since the epoch
std::string formatIsoTime(std::int64_t epochSeconds);     // "2026-11-27T08:00:00Z"
// The wall clock (CLOCK_REALTIME) now, in milliseconds since 1970-01-01 UTC.
std::int64_t wallClockMs();
std::string formatCompactUtc(std::int64_t epochSeconds); // "20261127T080000Z", for file names
// `epochSeconds` in UTC through a strftime pattern (at most 63 bytes of output).
std::string formatUtc(std::int64_t epochSeconds, const char* pattern);

} // namespace doorpost
