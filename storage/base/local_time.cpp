#include "storage/base/local_time.hpp"

#include <cstdio>
#include <ctime>

namespace doorpost {

std::int64_t startOfLocalDay(std::int64_t unixSeconds) {
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm local{};
    localtime_r(&t, &local);
    local.tm_hour = 0;
    local.tm_min = 0;
    local.tm_sec = 0;
    local.tm_isdst = -1; // midnight may fall on the other side of a DST change than now
    return static_cast<std::int64_t>(std::mktime(&local));
}

int localDateYmd(std::int64_t unixSeconds) {
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm local{};
    localtime_r(&t, &local);
    return (local.tm_year + 1900) * 10000 + (local.tm_mon + 1) * 100 + local.tm_mday;
}

std::string localClock(std::int64_t unixSeconds) {
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm local{};
    localtime_r(&t, &local);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M", &local);
    return text;
}

namespace {

std::tm toTm(const LocalMinute& local) {
    std::tm tm{};
    tm.tm_year = local.year - 1900;
    tm.tm_mon = local.month - 1;
    tm.tm_mday = local.day;
    tm.tm_hour = local.hour;
    tm.tm_min = local.minute;
    return tm;
}

LocalMinute fromTm(const std::tm& tm) {
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min};
}

} // namespace

LocalMinute localMinute(std::int64_t unixSeconds) {
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm local{};
    localtime_r(&t, &local);
    return fromTm(local);
}

std::int64_t unixFromLocalMinute(const LocalMinute& local) {
    std::tm tm = toTm(local);
    tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&tm));
}

LocalMinute addSeconds(const LocalMinute& local, std::int64_t seconds) {
    // Through UTC (timegm), so no time zone or DST change moves the fields.
    std::tm tm = toTm(local);
    const auto t = static_cast<std::time_t>(timegm(&tm) + seconds);
    std::tm out{};
    gmtime_r(&t, &out);
    return fromTm(out);
}

std::string formatLocalMinute(const LocalMinute& local) {
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", local.year, local.month, local.day,
                  local.hour, local.minute);
    return text;
}

} // namespace doorpost
