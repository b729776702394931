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

// A local date and time to the minute, as staff read it off a wall clock or a phone (the staff
// screen's time entry): month 1-12, day 1-31, hour 0-23, minute 0-59.
struct LocalMinute {
    int year = 1970;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
};
// The local minute that holds `unixSeconds` (seconds dropped).
LocalMinute localMinute(std::int64_t unixSeconds);
// The moment that local minute starts (mktime: DST decided for that moment; a time skipped by a
// DST change reads as the hour after).
std::int64_t unixFromLocalMinute(const LocalMinute& local);
// Calendar arithmetic on the fields: `seconds` later (earlier if negative), months and years
// rolling over, with no time zone or DST change in between (a stepper on the staff screen).
LocalMinute addSeconds(const LocalMinute& local, std::int64_t seconds);
// "2026-12-07 08:05".
std::string formatLocalMinute(const LocalMinute& local);

} // namespace doorpost
