#pragma once
// UTF-8 as Unicode defines it (table 3-7, "well-formed UTF-8 byte sequences"): no overlong
// forms, no encoded surrogates, nothing past U+10FFFF. Every text Doorpost stores, signs, sends
// or exports is checked against this one definition.

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

namespace doorpost {

// Bytes in the well-formed sequence at the start of `text`: 1 for ASCII, 2-4 otherwise, 0 when
// the bytes there are not well-formed UTF-8 (or `text` is empty).
std::size_t utf8SequenceLength(std::string_view text);

bool isValidUtf8(std::string_view text);

// Appends `code` (a Unicode scalar value) as UTF-8.
void appendUtf8(std::string& out, char32_t code);

inline constexpr char32_t kReplacementCharacter = U'\uFFFD';

// One step of a decode: the code point at the start of a text and how many bytes it took.
struct Utf8Char {
    char32_t code = 0;
    std::size_t length = 0;
};

// The code point at the start of `text`. Bytes that are not well-formed there read leniently as
// U+FFFD one byte long, so a reader moves past them and carries on; {0, 0} when `text` is empty.
Utf8Char decodeUtf8(std::string_view text);

// The code points of a text, for range-for: `for (char32_t c : Utf8CodePoints(text))`. For texts
// that are shown rather than stored (a name on screen): malformed bytes become U+FFFD each,
// where isValidUtf8 would refuse the whole text. The text must outlive the range.
class Utf8CodePoints {
public:
    class Iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = char32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = const char32_t*;
        using reference = char32_t;

        Iterator() = default;
        explicit Iterator(std::string_view rest) : m_rest(rest), m_here(decodeUtf8(rest)) {}
        char32_t operator*() const { return m_here.code; }
        Iterator& operator++() {
            m_rest.remove_prefix(m_here.length);
            m_here = decodeUtf8(m_rest);
            return *this;
        }
        Iterator operator++(int) {
            Iterator before = *this;
            ++*this;
            return before;
        }
        // Iterators over the same text are at the same place when as much of it is left.
        bool operator==(const Iterator& other) const {
            return m_rest.size() == other.m_rest.size();
        }

    private:
        std::string_view m_rest;
        Utf8Char m_here;
    };

    explicit Utf8CodePoints(std::string_view text) : m_text(text) {}
    Iterator begin() const { return Iterator(m_text); }
    Iterator end() const { return Iterator(m_text.substr(m_text.size())); }

private:
    std::string_view m_text;
};

} // namespace doorpost
