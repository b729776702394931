#include "storage/base/csv.hpp"

namespace doorpost {

CsvReader::CsvReader(std::string_view text, std::size_t maxFieldBytes)
    : m_text(text), m_maxField(maxFieldBytes) {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF")
        m_text.remove_prefix(3);
}

Result<std::optional<CsvRecord>> CsvReader::next() {
    if (m_pos >= m_text.size())
        return std::optional<CsvRecord>();
    CsvRecord record;
    record.line = m_line;
    record.fields.emplace_back();
    const auto where = [&record] { return "line " + std::to_string(record.line) + ": "; };
    bool quoted = false;
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos++];
        std::string& field = record.fields.back();
        if (quoted) {
            if (c == '"') {
                if (m_pos < m_text.size() && m_text[m_pos] == '"') {
                    field += '"';
                    ++m_pos;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++m_line;
                field += c;
            }
        } else if (c == '"' && field.empty()) {
            quoted = true;
        } else if (c == ',') {
            record.fields.emplace_back();
        } else if (c == '\r' && m_pos < m_text.size() && m_text[m_pos] == '\n') {
            continue; // CRLF: the LF ends the record
        } else if (c == '\n') {
            ++m_line;
            return std::optional<CsvRecord>(std::move(record));
        } else {
            field += c;
        }
        if (record.fields.back().size() > m_maxField)
            return badInput(where() + "field too long (over " + std::to_string(m_maxField) +
                            " bytes)");
    }
    if (quoted)
        return badInput(where() + "unclosed quote");
    ++m_line;
    return std::optional<CsvRecord>(std::move(record));
}

std::string trimField(std::string_view field) {
    const auto first = field.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return "";
    return std::string(field.substr(first, field.find_last_not_of(" \t") - first + 1));
}

} // namespace doorpost
