#include "kiosk/gate/roster_csv.hpp"

#include "kiosk/credentials/ticket.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "sync/pass/subject_key.hpp"

#include <set>

namespace doorpost::kiosk::gate {
namespace {

constexpr std::size_t kMaxField = 256;

// Splits one record starting at `pos`; advances `pos` past its line end. `line` counts the
// physical lines a quoted field spans.
Result<std::vector<std::string>> readRecord(std::string_view text, std::size_t& pos, int& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    const int startLine = line;
    while (pos < text.size()) {
        const char c = text[pos++];
        if (quoted) {
            if (c == '"') {
                if (pos < text.size() && text[pos] == '"') {
                    fields.back() += '"';
                    ++pos;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                fields.back() += c;
            }
        } else if (c == '"' && fields.back().empty()) {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\r') {
            continue;
        } else if (c == '\n') {
            ++line;
            return fields;
        } else {
            fields.back() += c;
        }
        if (fields.back().size() > kMaxField)
            return badInput("roster: line " + std::to_string(startLine) + ": field too long");
    }
    if (quoted)
        return badInput("roster: line " + std::to_string(startLine) + ": unclosed quote");
    ++line;
    return fields;
}

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return "";
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool isHeader(const std::vector<std::string>& fields) {
    const std::string first = trim(fields[0]);
    return first == "candidate_number" || first == "candidate number" || first == "candidate" ||
           first == "准考证号" || first == "考生编号" || first == "Candidate number";
}

} // namespace

Result<std::vector<storage::RosterEntry>>
parseRosterCsv(std::string_view text, const std::optional<sync::pass::SubjectSecret>& secret) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    std::vector<storage::RosterEntry> entries;
    std::set<std::string> seen;
    std::size_t pos = 0;
    int line = 1;
    bool first = true;
    while (pos < text.size()) {
        const int recordLine = line;
        auto fields = readRecord(text, pos, line);
        if (!fields)
            return fields.error();
        if (fields->size() == 1 && trim((*fields)[0]).empty())
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
            field = trim(field);
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
        if (!secret)
            return badInput("roster: this kiosk has no subject secret yet (enrol it with "
                            "`doorpost sync`), or import the roster at the central");
        auto key = sync::pass::subjectKey(id->normalised, *secret);
        if (!key)
            return key.error();
        entry.subjectKey = toHex(*key);
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
