#pragma once
// CSV as Excel and WPS write it (RFC 4180): fields separated by commas, a field that starts with
// a double quote runs to the closing quote (commas and line breaks inside it are text, "" is a
// quote), records end at LF or CRLF. The one reader for every CSV Doorpost takes in: rosters at
// the kiosk and at the central, deny lists. Decode the file first (text_encoding.hpp).

#include "storage/base/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost {

struct CsvRecord {
    std::vector<std::string> fields;
    int line = 0; // the physical line the record starts on (1-based), for error messages
};

class CsvReader {
public:
    // `text` must outlive the reader. A leading UTF-8 BOM is skipped.
    explicit CsvReader(std::string_view text, std::size_t maxFieldBytes = 4096);

    // The next record, nullopt at the end; BadInput "line N: ..." for an unclosed quote or an
    // over-long field. Blank lines are records with one empty field.
    Result<std::optional<CsvRecord>> next();

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_line = 1;
    std::size_t m_maxField;
};

// Surrounding spaces and tabs removed.
std::string trimField(std::string_view field);

} // namespace doorpost
