#include "storage/base/id_number.hpp"

#include "storage/base/iso_time.hpp"

#include <array>
#include <cctype>
#include <regex>

namespace doorpost {
namespace {

// Longer input is refused before any regex sees it (libstdc++'s regex recurses per character).
constexpr std::size_t kMaxIdLength = 40;

bool isProvince(int code) {
    // GB/T 2260 province-level codes, plus the codes residence permits and cards use for
    // Taiwan (71, 83), Hong Kong (81) and Macau (82).
    static constexpr std::array<int, 35> kCodes = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                                   35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                                   53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
    for (int c : kCodes)
        if (c == code)
            return true;
    return false;
}

int digits(std::string_view s) {
    int value = 0;
    for (char c : s)
        value = value * 10 + (c - '0');
    return value;
}

} // namespace

std::string_view idTypeName(IdType type) {
    switch (type) {
    case IdType::Resident:
        return "resident";
    case IdType::Passport:
        return "passport";
    case IdType::Permit:
        return "permit";
    case IdType::Other:
        return "other";
    }
    return "other";
}

Result<IdType> parseIdType(std::string_view name) {
    if (name == "resident")
        return IdType::Resident;
    if (name == "passport")
        return IdType::Passport;
    if (name == "permit")
        return IdType::Permit;
    if (name == "other")
        return IdType::Other;
    return badInput("id-type: expected resident, passport, permit or other");
}

char residentIdCheckCharacter(std::string_view first17) {
    static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                     3, 7, 9,  10, 5, 8, 4, 2};
    static constexpr std::string_view kCheck = "10X98765432";
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i)
        sum += (first17[i] - '0') * kWeights[i];
    return kCheck[static_cast<std::size_t>(sum % 11)];
}

ResidentIdProblem residentIdProblem(std::string_view id, std::optional<int> todayYmd) {
    if (id.size() > 18)
        return ResidentIdProblem::TooLong;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const bool digit = std::isdigit(static_cast<unsigned char>(id[i])) != 0;
        if (!digit && !(i == 17 && id[i] == 'X'))
            return ResidentIdProblem::Characters;
    }
    if (id.size() >= 2 && !isProvince(digits(id.substr(0, 2))))
        return ResidentIdProblem::Area;
    if (id.size() >= 14) {
        const int year = digits(id.substr(6, 4));
        const int month = digits(id.substr(10, 2));
        const int day = digits(id.substr(12, 2));
        if (year < 1800 || year > 2099 || !isValidCivilDate(year, month, day) ||
            (todayYmd && year * 10000 + month * 100 + day > *todayYmd))
            return ResidentIdProblem::BirthDate;
    }
    if (id.size() < 18)
        return ResidentIdProblem::Incomplete;
    if (residentIdCheckCharacter(id.substr(0, 17)) != id[17])
        return ResidentIdProblem::CheckCharacter;
    return ResidentIdProblem::None;
}

Result<CheckedId> checkResidentId(std::string_view text, std::optional<int> todayYmd) {
    const std::string id = normaliseIdNumber(text);
    switch (residentIdProblem(id, todayYmd)) {
    case ResidentIdProblem::None:
        return CheckedId{IdType::Resident, id, maskIdNumber(id)};
    case ResidentIdProblem::Incomplete:
    case ResidentIdProblem::TooLong:
        return badInput("id: a resident ID number has 18 characters, this has " +
                        std::to_string(id.size()));
    case ResidentIdProblem::Characters:
        for (std::size_t i = 0; i < 17 && i < id.size(); ++i)
            if (!std::isdigit(static_cast<unsigned char>(id[i])))
                return badInput("id: character " + std::to_string(i + 1) + " must be a digit");
        return badInput("id: the last character must be a digit or X");
    case ResidentIdProblem::Area:
        return badInput("id: unknown area code " + id.substr(0, 6) + " (no province " +
                        id.substr(0, 2) + ")");
    case ResidentIdProblem::BirthDate:
        return badInput("id: impossible birth date " + id.substr(6, 8));
    case ResidentIdProblem::CheckCharacter:
        return badInput(std::string("id: wrong check character ") + id[17] + ", expected " +
                        residentIdCheckCharacter(std::string_view(id).substr(0, 17)));
    }
    return badInput("id: not a resident ID number");
}

Result<CheckedId> checkPassport(std::string_view text) {
    const std::string id = normaliseIdNumber(text);
    if (id.size() > kMaxIdLength)
        return badInput("id: a passport number is at most 9 characters");
    // Chinese ordinary passports (E + 8 digits, E + letter + 7 digits, older G/D/S/P + 8
    // digits) or any ICAO 9303 document number: 6-9 letters and digits with a digit in it.
    static const std::regex kChinese("^(E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[GDSP][0-9]{8})$");
    static const std::regex kIcao("^(?=.*[0-9])[A-Z0-9]{6,9}$");
    if (std::regex_match(id, kChinese) || std::regex_match(id, kIcao))
        return CheckedId{IdType::Passport, id, maskIdNumber(id)};
    return badInput("id: a passport number has 6-9 letters and digits (e.g. E12345678)");
}

Result<CheckedId> checkPermit(std::string_view text) {
    const std::string id = normaliseIdNumber(text);
    if (id.size() > kMaxIdLength)
        return badInput("id: a permit number is at most 10 characters");
    // Home-return permits H/M + 8 (or older 10) digits; Taiwan compatriot permits 8 or 10
    // digits; exit-entry permits to HK/Macau C + 8 characters; to Taiwan L + 8 digits.
    static const std::regex kPermit(
        "^([HM][0-9]{8}([0-9]{2})?|[0-9]{8}|[0-9]{10}|C[0-9A-Z][0-9]{7}|L[0-9]{8})$");
    if (std::regex_match(id, kPermit))
        return CheckedId{IdType::Permit, id, maskIdNumber(id)};
    return badInput("id: not an HK/Macau/Taiwan permit number (e.g. H12345678, C12345678, "
                    "12345678)");
}

Result<CheckedId> checkIdNumber(IdType type, std::string_view text, std::optional<int> todayYmd) {
    switch (type) {
    case IdType::Resident:
        return checkResidentId(text, todayYmd);
    case IdType::Passport:
        return checkPassport(text);
    case IdType::Permit:
        return checkPermit(text);
    case IdType::Other: {
        const std::string id = normaliseIdNumber(text);
        if (id.size() < 4 || id.size() > 32)
            return badInput("id: between 4 and 32 characters expected");
        for (char c : id)
            if (!std::isalnum(static_cast<unsigned char>(c)))
                return badInput("id: only letters and digits expected");
        return CheckedId{IdType::Other, id, maskIdNumber(id)};
    }
    }
    return badInput("id: unknown type");
}

Result<CheckedId> checkRosterIdNumber(std::string_view text) {
    auto id = checkResidentId(text);
    if (!id && normaliseIdNumber(text).size() != 18) {
        if (auto passport = checkPassport(text))
            return passport;
        if (auto permit = checkPermit(text))
            return permit;
    }
    return id;
}

std::string normaliseIdNumber(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::string maskIdNumber(std::string_view normalised) {
    if (normalised.size() <= 4)
        return std::string(normalised.size(), '*');
    if (normalised.size() >= 12)
        return std::string(normalised.substr(0, 4)) + std::string(normalised.size() - 8, '*') +
               std::string(normalised.substr(normalised.size() - 4));
    return std::string(normalised.substr(0, 1)) + std::string(normalised.size() - 3, '*') +
           std::string(normalised.substr(normalised.size() - 2));
}

} // namespace doorpost
