#pragma once
// ISO 8601 date-times as the DCC corpus, `scan --at`, `export --from` and the central's set
// valid-until write them (shared by kiosk and sync, so it lives here): YYYY-MM-DDTHH:MM:SS with
// optional fraction (any digits, truncated) and zone (Z, +HH:MM, +HHMM; none means UTC).

#include "storage/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace doorpost {

Result<std::int64_t> parseIsoTime(std::string_view text); // seconds since the epoch
std::string formatIsoTime(std::int64_t epochSeconds);     // "2026-11-27T08:00:00Z"

} // namespace doorpost
