#pragma once
// The kiosk's local wall clock as the screens show it: "today" starts at local midnight (the
// counters, the chart, the auditors' export of today), times of day read HH:MM.

#include <cstdint>
#include <string>

namespace doorpost {

// Local midnight of the day that holds `unixSeconds` (DST decided for midnight itself).
std::int64_t startOfLocalDay(std::int64_t unixSeconds);
// The local date that holds `unixSeconds` as yyyymmdd (20261207).
int localDateYmd(std::int64_t unixSeconds);
// "08:05" in local time.
std::string localClock(std::int64_t unixSeconds);

} // namespace doorpost
