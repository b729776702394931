#include "kiosk/app/id_preview.hpp"

#include "storage/base/id_number.hpp"

#include <algorithm>

namespace doorpost::kiosk::app {
namespace {

// What the gate will say, worded for someone still typing: the same rule
// (storage/base/id_number.hpp) judges the digits typed so far.
IdStatus statusOf(ResidentIdProblem problem) {
    switch (problem) {
    case ResidentIdProblem::None:
        return IdStatus::CheckOk;
    case ResidentIdProblem::Incomplete:
        return IdStatus::Incomplete;
    case ResidentIdProblem::TooLong:
        return IdStatus::TooLong;
    case ResidentIdProblem::Characters:
        return IdStatus::BadFormat;
    case ResidentIdProblem::Area:
        return IdStatus::BadArea;
    case ResidentIdProblem::BirthDate:
        return IdStatus::BadDate;
    case ResidentIdProblem::CheckCharacter:
        return IdStatus::CheckWrong;
    }
    return IdStatus::BadFormat;
}

IdPreview previewResident(std::string_view typed, int todayYmd) {
    IdPreview out;
    if (typed.empty()) {
        return out;
    }
    const std::string id = normaliseIdNumber(typed);
    out.status = statusOf(residentIdProblem(id, todayYmd));
    out.valid = out.status == IdStatus::CheckOk && checkResidentId(id, todayYmd).ok();
    const bool datePlausible = out.status != IdStatus::BadDate &&
                               out.status != IdStatus::BadFormat && out.status != IdStatus::BadArea;
    if (id.size() >= 14 && datePlausible) {
        out.birthDate = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
    }
    if (id.size() >= 17 && datePlausible) {
        out.sex = ((id[16] - '0') % 2 == 1) ? 'M' : 'F';
    }
    return out;
}

bool alnumUpper(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

// Passports, permits and other documents: valid exactly when the gate's format check passes.
IdPreview previewFormat(IdType type, std::string_view typed) {
    IdPreview out;
    if (typed.empty()) {
        return out;
    }
    const std::string id = normaliseIdNumber(typed);
    out.valid = checkIdNumber(type, id).ok();
    const std::size_t longest = type == IdType::Passport ? 9 : type == IdType::Permit ? 10 : 32;
    out.status = out.valid             ? IdStatus::FormatOk
                 : !alnumUpper(id)     ? IdStatus::BadFormat
                 : id.size() > longest ? IdStatus::TooLong
                                       : IdStatus::Incomplete;
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

IdPreview previewId(IdType type, std::string_view number, int todayYmd) {
    return type == IdType::Resident ? previewResident(number, todayYmd)
                                    : previewFormat(type, number);
}

} // namespace doorpost::kiosk::app
