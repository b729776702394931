#include "storage/base/iso_time.hpp"

#include <cctype>
#include <chrono>
#include <ctime>

namespace doorpost {
namespace {

bool number(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size())
        return false;
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])))
            return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

} // namespace

bool isValidCivilDate(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1)
        return false;
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= (month == 2 && leap ? 29 : kDays[month - 1]);
}

Result<std::int64_t> parseIsoTime(std::string_view text) {
    const auto bad = [&] {
        return badInput("expected YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM], got '" +
                        std::string(text.substr(0, 40)) + "'");
    };
    int year, month, day, hour, minute, second;
    if (!number(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
        !number(text, 5, 2, month) || text[7] != '-' || !number(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != ' ') || !number(text, 11, 2, hour) || text[13] != ':' ||
        !number(text, 14, 2, minute) || text[16] != ':' || !number(text, 17, 2, second))
        return bad();
    if (!isValidCivilDate(year, month, day) || hour > 23 || minute > 59 || second > 60)
        return badInput("no such date or time '" + std::string(text.substr(0, 19)) + "'");
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;
        if (pos == start)
            return bad();
    }
    int offset = 0;
    if (pos < text.size()) {
        const char sign = text[pos];
        if (sign == 'Z' && pos + 1 == text.size()) {
            pos = text.size();
        } else if (sign == '+' || sign == '-') {
            int hours, minutes;
            if (!number(text, pos + 1, 2, hours))
                return bad();
            std::size_t mpos = pos + 3;
            if (mpos < text.size() && text[mpos] == ':')
                ++mpos;
            if (!number(text, mpos, 2, minutes) || mpos + 2 != text.size() || hours > 23 ||
                minutes > 59)
                return bad();
            offset = (hours * 60 + minutes) * 60 * (sign == '-' ? -1 : 1);
            pos = text.size();
        } else {
            return bad();
        }
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

std::string formatUtc(std::int64_t epochSeconds, const char* pattern) {
    const auto seconds = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    // The patterns are the callers' string literals (this file's and HTTP's Date); strftime has
    // no length-taking sibling to check them through.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    const std::size_t length = std::strftime(buffer, sizeof buffer, pattern, &tm);
#pragma GCC diagnostic pop
    return std::string(buffer, length);
}

std::string formatIsoTime(std::int64_t epochSeconds) {
    return formatUtc(epochSeconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string formatCompactUtc(std::int64_t epochSeconds) {
    return formatUtc(epochSeconds, "%Y%m%dT%H%M%SZ");
}

std::int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace doorpost
