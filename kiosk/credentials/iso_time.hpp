#pragma once
// ISO 8601 date-times as the DCC corpus and `scan --at` write them: YYYY-MM-DDTHH:MM:SS with
// optional fraction (any digits, truncated) and zone (Z, +HH:MM, +HHMM; none means UTC).

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/result.hpp"

namespace doorpost::kiosk {

Result<std::int64_t> parseIsoTime(std::string_view text); // seconds since the epoch
std::string formatIsoTime(std::int64_t epochSeconds);     // "2026-11-27T08:00:00Z"

} // namespace doorpost::kiosk
