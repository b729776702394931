#include "kiosk/app/id_preview.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace doorpost::kiosk::app {
namespace {

constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckChars = "10X98765432";

bool allDigits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view digits) {
    int value = 0;
    for (char c : digits) {
        value = value * 10 + (c - '0');
    }
    return value;
}

// Province-level codes of GB/T 2260 (first two digits).
bool knownProvince(int code) {
    return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
           (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
           code == 71 || code == 81 || code == 82 || code == 91;
}

bool possibleDate(int year, int month, int day, int todayYmd) {
    if (year < 1800 || month < 1 || month > 12 || day < 1) {
        return false;
    }
    static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kDays[static_cast<std::size_t>(month - 1)] || (month == 2 && day == 29 && !leap)) {
        return false;
    }
    return year * 10000 + month * 100 + day <= todayYmd;
}

IdPreview previewResident(std::string_view id, int todayYmd) {
    IdPreview out;
    if (id.empty()) {
        return out;
    }
    out.status = IdStatus::Incomplete;
    if (id.size() > 18) {
        out.status = IdStatus::TooLong;
        return out;
    }
    const std::string_view body = id.substr(0, std::min<std::size_t>(id.size(), 17));
    const bool xMisplaced = body.find('X') != std::string_view::npos;
    if (xMisplaced || !allDigits(body)) {
        out.status = IdStatus::BadFormat;
        return out;
    }
    if (id.size() >= 2 && !knownProvince(number(id.substr(0, 2)))) {
        out.status = IdStatus::BadArea;
        return out;
    }
    if (id.size() >= 14) {
        const int year = number(id.substr(6, 4));
        const int month = number(id.substr(10, 2));
        const int day = number(id.substr(12, 2));
        if (!possibleDate(year, month, day, todayYmd)) {
            out.status = IdStatus::BadDate;
            return out;
        }
        out.birthDate = std::string(id.substr(6, 4)) + "-" + std::string(id.substr(10, 2)) + "-" +
                        std::string(id.substr(12, 2));
    }
    if (id.size() >= 17) {
        out.sex = ((id[16] - '0') % 2 == 1) ? 'M' : 'F';
    }
    if (id.size() == 18) {
        const bool ok = residentCheckChar(id.substr(0, 17)) == id[17];
        out.status = ok ? IdStatus::CheckOk : IdStatus::CheckWrong;
        out.valid = ok;
    }
    return out;
}

bool alnumUpper(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

IdPreview previewFormat(IdType type, std::string_view id) {
    IdPreview out;
    if (id.empty()) {
        return out;
    }
    bool ok = false;
    bool tooLong = false;
    switch (type) {
    case IdType::Passport: // ICAO 9303: up to 9 characters in the MRZ; allow a little slack
        ok = id.size() >= 5 && id.size() <= 12 && alnumUpper(id);
        tooLong = id.size() > 12;
        break;
    case IdType::Permit: // HK/Macau: H or M + 8 or 10 digits; Taiwan: 8 digits
        ok = ((id[0] == 'H' || id[0] == 'M') && (id.size() == 9 || id.size() == 11) &&
              allDigits(id.substr(1))) ||
             (id.size() == 8 && allDigits(id));
        tooLong = id.size() > 11;
        break;
    case IdType::Other:
        ok = id.size() >= 4 && id.size() <= 32 && alnumUpper(id);
        tooLong = id.size() > 32;
        break;
    case IdType::Resident:
        break;
    }
    out.status = ok ? IdStatus::FormatOk : (tooLong ? IdStatus::TooLong : IdStatus::Incomplete);
    if (!ok && !tooLong && !alnumUpper(id)) {
        out.status = IdStatus::BadFormat;
    }
    out.valid = ok;
    return out;
}

} // namespace

const char* idStatusName(IdStatus status) {
    switch (status) {
    case IdStatus::Empty:
        return "empty";
    case IdStatus::Incomplete:
        return "incomplete";
    case IdStatus::CheckOk:
        return "check_ok";
    case IdStatus::CheckWrong:
        return "check_wrong";
    case IdStatus::BadDate:
        return "bad_date";
    case IdStatus::BadArea:
        return "bad_area";
    case IdStatus::TooLong:
        return "too_long";
    case IdStatus::BadFormat:
        return "bad_format";
    case IdStatus::FormatOk:
        return "format_ok";
    }
    return "unknown";
}

char residentCheckChar(std::string_view first17) {
    int sum = 0;
    for (std::size_t i = 0; i < kWeights.size() && i < first17.size(); ++i) {
        sum += (first17[i] - '0') * kWeights[i];
    }
    return kCheckChars[static_cast<std::size_t>(sum % 11)];
}

IdPreview previewId(IdType type, std::string_view number, int todayYmd) {
    return type == IdType::Resident ? previewResident(number, todayYmd)
                                    : previewFormat(type, number);
}

} // namespace doorpost::kiosk::app
