#pragma once
// UTF-8 as Unicode defines it (table 3-7, "well-formed UTF-8 byte sequences"): no overlong
// forms, no encoded surrogates, nothing past U+10FFFF. Every text Doorpost stores, signs, sends
// or exports is checked against this one definition.

#include <cstddef>
#include <string>
#include <string_view>

namespace doorpost {

// Bytes in the well-formed sequence at the start of `text`: 1 for ASCII, 2-4 otherwise, 0 when
// the bytes there are not well-formed UTF-8 (or `text` is empty).
std::size_t utf8SequenceLength(std::string_view text);

bool isValidUtf8(std::string_view text);

// Appends `code` (a Unicode scalar value) as UTF-8.
void appendUtf8(std::string& out, char32_t code);

} // namespace doorpost
