#include "storage/base/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace doorpost;

namespace {

std::vector<char32_t> codePoints(std::string_view text) {
    std::vector<char32_t> out;
    for (char32_t code : Utf8CodePoints(text))
        out.push_back(code);
    return out;
}

} // namespace

TEST_CASE("the code point iterator reads every length of UTF-8 sequence", "[utf8]") {
    // 'A' (1 byte), é (2), 张 (3), U+1F600 (4), and the ends of each range.
    CHECK(codePoints("A\xC3\xA9\xE5\xBC\xA0\xF0\x9F\x98\x80") ==
          std::vector<char32_t>{U'A', U'\u00E9', U'\u5F20', U'\U0001F600'});
    CHECK(codePoints("\x7F\xDF\xBF\xEF\xBF\xBF\xF4\x8F\xBF\xBF") ==
          std::vector<char32_t>{0x7F, 0x7FF, 0xFFFF, 0x10FFFF});
    CHECK(codePoints("").empty());
}

TEST_CASE("the code point iterator agrees with appendUtf8 across the code space", "[utf8]") {
    std::string text;
    std::vector<char32_t> expected;
    for (char32_t code = 0; code <= 0x10FFFF; code += (code < 0x800 ? 1 : 97)) {
        if (code >= 0xD800 && code <= 0xDFFF)
            continue; // surrogates are not scalar values
        appendUtf8(text, code);
        expected.push_back(code);
    }
    REQUIRE(isValidUtf8(text));
    CHECK(codePoints(text) == expected);
}

TEST_CASE("malformed bytes read as U+FFFD one byte at a time and the walk goes on", "[utf8]") {
    // A stray continuation byte, an overlong '/', an encoded surrogate, a sequence cut short at
    // the end: each bad byte is one replacement character, and the good text around them stays.
    CHECK(codePoints("a\x80z") == std::vector<char32_t>{U'a', kReplacementCharacter, U'z'});
    CHECK(codePoints("\xC0\xAF") ==
          std::vector<char32_t>{kReplacementCharacter, kReplacementCharacter});
    CHECK(codePoints("\xED\xA0\x80!") == std::vector<char32_t>{kReplacementCharacter,
                                                               kReplacementCharacter,
                                                               kReplacementCharacter, U'!'});
    CHECK(codePoints("\xE5\xBC") ==
          std::vector<char32_t>{kReplacementCharacter, kReplacementCharacter});
    CHECK(codePoints("\xF5\x80\x80\x80") == std::vector<char32_t>(4, kReplacementCharacter));
}

TEST_CASE("decodeUtf8 says how long the sequence at the start is", "[utf8]") {
    const Utf8Char zhang = decodeUtf8("\xE5\xBC\xA0\xE4\xB8\x89");
    CHECK(zhang.code == U'\u5F20');
    CHECK(zhang.length == 3);
    const Utf8Char empty = decodeUtf8("");
    CHECK(empty.length == 0);
    const Utf8Char bad = decodeUtf8("\xFF");
    CHECK(bad.code == kReplacementCharacter);
    CHECK(bad.length == 1);
}
