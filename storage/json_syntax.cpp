#include "storage/json_syntax.hpp"

#include "storage/base/utf8.hpp"

#include <array>
#include <bitset>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace doorpost::storage {

namespace {

using Byte = unsigned char;

// Exponents are read up to this size; any larger one decides the same way.
constexpr std::int64_t kExponentCap = 1'000'000'000'000;

// The unread rest of the text. Bytes are unsigned so UTF-8 ranges compare naturally.
struct Cursor {
    const Byte* p;
    const Byte* end;

    bool atEnd() const { return p == end; }
    bool next(Byte expected) const { return p != end && *p == expected; }
    std::size_t left() const { return static_cast<std::size_t>(end - p); }
};

void skipSpace(Cursor& c) {
    while (!c.atEnd() && (*c.p == ' ' || *c.p == '\n' || *c.p == '\r' || *c.p == '\t')) {
        ++c.p;
    }
}

bool scanHex4(Cursor& c, unsigned& value) {
    if (c.left() < 4) {
        return false;
    }
    value = 0;
    for (int i = 0; i < 4; ++i) {
        const Byte b = *c.p++;
        const Byte lower = static_cast<Byte>(b | 0x20);
        unsigned digit = 0;
        if (b >= '0' && b <= '9') {
            digit = b - '0';
        } else if (lower >= 'a' && lower <= 'f') {
            digit = lower - 'a' + 10u;
        } else {
            return false;
        }
        value = value << 4 | digit;
    }
    return true;
}

// After a backslash. A \u escape of a UTF-16 surrogate must form a pair (high then low), as
// nlohmann requires: a lone half cannot become a code point.
bool scanEscape(Cursor& c) {
    if (c.atEnd()) {
        return false;
    }
    switch (*c.p++) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        return true;
    case 'u':
        break;
    default:
        return false;
    }
    unsigned unit = 0;
    if (!scanHex4(c, unit) || (unit >= 0xDC00 && unit <= 0xDFFF)) {
        return false;
    }
    if (unit < 0xD800 || unit > 0xDBFF) {
        return true;
    }
    if (c.left() < 2 || c.p[0] != '\\' || c.p[1] != 'u') {
        return false;
    }
    c.p += 2;
    return scanHex4(c, unit) && unit >= 0xDC00 && unit <= 0xDFFF;
}

// After a lead byte >= 0x80 (already consumed): the rest of a well-formed UTF-8 sequence.
bool scanUtf8Tail(Cursor& c) {
    const char* start = reinterpret_cast<const char*>(c.p - 1);
    const std::size_t length = utf8SequenceLength(std::string_view(start, c.left() + 1));
    if (length == 0) {
        return false;
    }
    c.p += length - 1;
    return true;
}

// Bytes a string holds as they are: printable ASCII other than the quote and the backslash.
constexpr std::array<bool, 256> kPlainInString = [] {
    std::array<bool, 256> plain{};
    for (int b = 0x20; b < 0x80; ++b) {
        plain[static_cast<std::size_t>(b)] = b != '"' && b != '\\';
    }
    return plain;
}();

// After the opening quote; on success the cursor is past the closing quote.
bool scanString(Cursor& c) {
    while (true) {
        // Most bytes of a detail are plain string bytes: one table look-up each (nlohmann's
        // accept() spent about 100 instructions per detail byte; this loop takes a handful).
        const Byte* p = c.p;
        while (p != c.end && kPlainInString[*p]) {
            ++p;
        }
        c.p = p;
        if (c.atEnd()) {
            return false;
        }
        const Byte b = *c.p++;
        if (b == '"') {
            return true;
        }
        if (b == '\\') {
            if (!scanEscape(c)) {
                return false;
            }
        } else if (b < 0x80 || !scanUtf8Tail(c)) {
            return false; // b < 0x80 here is a control character (NUL included): must be escaped
        }
    }
}

// One or more decimal digits.
bool scanDigits(Cursor& c) {
    const Byte* start = c.p;
    while (!c.atEnd() && *c.p >= '0' && *c.p <= '9') {
        ++c.p;
    }
    return c.p != start;
}

// Whether a syntactically valid number is finite as a double. nlohmann reads numbers with
// strtod and refuses one that overflows to infinity (1e400, a 400-digit integer), and details
// must stay readable by it (export, audit tools), so that is refused here too. The value is
// below 10^magnitude, where magnitude = integer digits - leading zeros + exponent, so only a
// magnitude above 308 (DBL_MAX is 1.8e308) needs the exact answer from from_chars, which rounds
// as strtod does. Underflow to zero is finite and accepted, as nlohmann does.
bool isFiniteNumber(const Byte* start, const Byte* end, const Byte* intBegin, const Byte* intEnd,
                    const Byte* fracEnd, std::int64_t exponent) {
    const auto intDigits = static_cast<std::int64_t>(intEnd - intBegin);
    if (intDigits + exponent <= 308) {
        return true; // the common case: no digit is looked at twice
    }
    std::int64_t leadingZeros = 0;
    const Byte* p = intBegin;
    for (; p != fracEnd && (*p == '0' || *p == '.'); ++p) {
        leadingZeros += *p == '0' ? 1 : 0;
    }
    if (p == fracEnd || intDigits - leadingZeros + exponent <= 308) {
        return true; // zero, or small once the leading zeros are discounted
    }
    double value = 0;
    const auto result = std::from_chars(reinterpret_cast<const char*>(start),
                                        reinterpret_cast<const char*>(end), value);
    return result.ec == std::errc{};
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; a leading zero ends the integer part, so
// "01" leaves "1" for the caller, which refuses it as a missing separator.
bool scanNumber(Cursor& c) {
    const Byte* start = c.p;
    if (c.next('-')) {
        ++c.p;
    }
    const Byte* intBegin = c.p;
    if (c.next('0')) {
        ++c.p;
    } else if (!scanDigits(c)) {
        return false;
    }
    const Byte* intEnd = c.p;
    if (c.next('.')) {
        ++c.p;
        if (!scanDigits(c)) {
            return false;
        }
    }
    const Byte* fracEnd = c.p;
    std::int64_t exponent = 0;
    if (c.next('e') || c.next('E')) {
        ++c.p;
        const bool negative = c.next('-');
        if (negative || c.next('+')) {
            ++c.p;
        }
        const Byte* digits = c.p;
        for (; !c.atEnd() && *c.p >= '0' && *c.p <= '9'; ++c.p) {
            if (exponent < kExponentCap) { // saturate: the exact size no longer matters
                exponent = exponent * 10 + (*c.p - '0');
            }
        }
        if (c.p == digits) {
            return false;
        }
        exponent = negative ? -exponent : exponent;
    }
    return isFiniteNumber(start, c.p, intBegin, intEnd, fracEnd, exponent);
}

bool scanWord(Cursor& c, std::string_view rest) {
    if (c.left() < rest.size() || std::memcmp(c.p, rest.data(), rest.size()) != 0) {
        return false;
    }
    c.p += rest.size();
    return true;
}

// After '{' or a ',' inside an object: the member's key and colon, leaving the cursor where
// its value starts.
bool scanKey(Cursor& c) {
    skipSpace(c);
    if (!c.next('"')) {
        return false;
    }
    ++c.p;
    if (!scanString(c)) {
        return false;
    }
    skipSpace(c);
    if (!c.next(':')) {
        return false;
    }
    ++c.p;
    return true;
}

} // namespace

bool isJsonObjectText(std::string_view text) {
    const auto* begin = reinterpret_cast<const Byte*>(text.data());
    Cursor c{begin, begin + text.size()};
    skipSpace(c);
    if (!c.next('{')) {
        return false;
    }
    // The open containers, outermost first (set = object, clear = array). A fixed stack instead
    // of recursion: nesting depth is bounded by kJsonMaxDepth, not by the thread's stack.
    std::bitset<kJsonMaxDepth> isObject;
    std::size_t depth = 0;
    while (true) {
        // A value starts here. Opening a non-empty container goes straight on to its first
        // value; everything else ends a value and falls through to the separator loop.
        skipSpace(c);
        if (c.atEnd()) {
            return false;
        }
        const Byte b = *c.p++;
        bool opened = false;
        switch (b) {
        case '{':
        case '[':
            if (depth == kJsonMaxDepth) {
                return false;
            }
            skipSpace(c);
            if (c.next(b == '{' ? '}' : ']')) {
                ++c.p; // empty container: a complete value
                break;
            }
            if (b == '{' && !scanKey(c)) {
                return false;
            }
            isObject[depth++] = b == '{';
            opened = true;
            break;
        case '"':
            if (!scanString(c)) {
                return false;
            }
            break;
        case 't':
            if (!scanWord(c, "rue")) {
                return false;
            }
            break;
        case 'f':
            if (!scanWord(c, "alse")) {
                return false;
            }
            break;
        case 'n':
            if (!scanWord(c, "ull")) {
                return false;
            }
            break;
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            --c.p;
            if (!scanNumber(c)) {
                return false;
            }
            break;
        default:
            return false;
        }
        if (opened) {
            continue;
        }
        // A value has ended: close containers until a comma asks for another value.
        while (true) {
            skipSpace(c);
            if (depth == 0) {
                return c.atEnd(); // the outer object closed; only whitespace may follow
            }
            if (c.atEnd()) {
                return false;
            }
            const Byte d = *c.p++;
            const bool inObject = isObject[depth - 1];
            if (d == ',') {
                if (inObject && !scanKey(c)) {
                    return false;
                }
                break;
            }
            if (d != (inObject ? '}' : ']')) {
                return false;
            }
            --depth;
        }
    }
}

} // namespace doorpost::storage
