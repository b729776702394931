#pragma once
// Text files as people bring them. Chinese exam offices export rosters from Excel and WPS, which
// write UTF-8 (with a BOM) or, by default, GB18030 (the superset of GBK and GB2312). A file is
// taken as UTF-8 when every byte of it is well-formed UTF-8, else as GB18030 when it decodes as
// such (glibc's iconv), and refused otherwise, naming the first line that is neither: nothing
// stored anywhere is ever invalid UTF-8.

#include "storage/base/result.hpp"

#include <string>
#include <string_view>

namespace doorpost {

enum class TextEncoding { Utf8, Gb18030 };
const char* textEncodingName(TextEncoding encoding); // "utf-8", "gb18030"

struct DecodedText {
    std::string utf8; // without a byte-order mark
    TextEncoding encoding = TextEncoding::Utf8;
};

// BadInput "line N: neither UTF-8 nor GB18030 text" for anything else (a binary file, UTF-16,
// Latin-1 with accented letters, a cut-off multi-byte character); also refuses NUL bytes.
Result<DecodedText> decodeTextFile(std::string_view bytes);

} // namespace doorpost
