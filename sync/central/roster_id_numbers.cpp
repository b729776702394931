#include "sync/central/roster_id_numbers.hpp"

#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "sync/pass/subject_key.hpp"

namespace doorpost::sync::central {

Result<void> hashRosterIdNumbers(std::vector<SetItem>& items, std::string_view subjectSalt) {
    if (subjectSalt.empty())
        return environmentFault("roster: the deployment's subject salt is missing");
    // Checked into a copy first: a bad row in the middle leaves the caller's items untouched.
    std::vector<SetItem> hashed = items;
    for (auto& item : hashed) {
        const auto field = item.value.find(kIdNumberField);
        if (field == item.value.end())
            continue;
        const std::string where = "roster: candidate " + item.key + ": ";
        if (!field->is_string())
            return badInput(where + "id_number must be text");
        if (item.value.contains("subject_key"))
            return badInput(where + "give id_number or subject_key, not both");
        auto id = checkRosterIdNumber(field->get<std::string>());
        if (!id)
            return badInput(where + id.error().message);
        item.value.erase(field);
        item.value["subject_key"] = toHex(pass::subjectKey(id->normalised, subjectSalt));
        item.value["masked_id"] = id->masked;
    }
    items = std::move(hashed);
    return {};
}

} // namespace doorpost::sync::central
