#include "kiosk/gate/roster_csv.hpp"

#include "kiosk/credentials/ticket.hpp"
#include "storage/base/csv.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "storage/base/text_encoding.hpp"
#include "sync/pass/subject_key.hpp"

#include <set>

namespace doorpost::kiosk::gate {
namespace {

constexpr std::size_t kMaxField = 256;

bool isHeader(const std::vector<std::string>& fields) {
    const std::string first = trimField(fields[0]);
    return first == "candidate_number" || first == "candidate number" || first == "candidate" ||
           first == "准考证号" || first == "考生编号" || first == "Candidate number";
}

} // namespace

Result<std::vector<storage::RosterEntry>> parseRosterCsv(std::string_view bytes,
                                                         std::string_view subjectSalt) {
    auto text = decodeTextFile(bytes);
    if (!text)
        return badInput("roster: " + text.error().message);
    std::vector<storage::RosterEntry> entries;
    std::set<std::string> seen;
    CsvReader reader(text->utf8, kMaxField);
    bool first = true;
    while (true) {
        auto record = reader.next();
        if (!record)
            return badInput("roster: " + record.error().message);
        if (!*record)
            break;
        std::vector<std::string>* const fields = &(*record)->fields;
        const int recordLine = (*record)->line;
        if (fields->size() == 1 && trimField((*fields)[0]).empty())
            continue; // blank line
        if (first && isHeader(*fields)) {
            first = false;
            continue;
        }
        first = false;
        const std::string where = "roster: line " + std::to_string(recordLine) + ": ";
        if (fields->size() != 6)
            return badInput(where +
                            "expected 6 fields (candidate number, name, ID number, "
                            "session, room, seat), got " +
                            std::to_string(fields->size()));
        for (auto& field : *fields)
            field = trimField(field);
        const auto& f = *fields;
        if (!credentials::validCandidateNumber(f[0]))
            return badInput(where + "candidate number must be 4-32 of 0-9 A-Z -");
        if (!seen.insert(f[0]).second)
            return badInput(where + "candidate number " + f[0] + " appears twice");
        if (f[1].empty())
            return badInput(where + "name is empty");
        auto id = checkRosterIdNumber(f[2]);
        if (!id)
            return badInput(where + id.error().message);
        if (f[3].empty())
            return badInput(where + "session is empty");
        storage::RosterEntry entry;
        entry.candidateNumber = f[0];
        entry.name = f[1];
        entry.subjectKey = toHex(sync::pass::subjectKey(id->normalised, subjectSalt));
        entry.maskedId = id->masked;
        entry.session = f[3];
        entry.room = f[4];
        entry.seat = f[5];
        entries.push_back(std::move(entry));
    }
    if (entries.empty())
        return badInput("roster: no rows");
    return entries;
}

} // namespace doorpost::kiosk::gate
