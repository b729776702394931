// Files as people bring them (storage/base/text_encoding.hpp, csv.hpp, iso_time.hpp): UTF-8 with
// or without a BOM, GB18030 from Excel and WPS, anything else refused naming the line; one CSV
// reader with quoted line breaks; impossible dates refused.

#include "storage/base/csv.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/base/text_encoding.hpp"
#include "storage/base/utf8.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;

namespace {

// "张三,李四\n王芳,准考证号\n" as GB18030 (GBK) bytes, as Excel on a Chinese Windows saves CSV.
const std::string kGb18030 = "\xD5\xC5\xC8\xFD,\xC0\xEE\xCB\xC4\n\xCD\xF5\xB7\xBC,"
                             "\xD7\xBC\xBF\xBC\xD6\xA4\xBA\xC5\n";

} // namespace

TEST_CASE("text files: UTF-8 with or without a BOM is taken as it is", "[base][text]") {
    auto plain = decodeTextFile("张三,1\n");
    REQUIRE(plain);
    CHECK(plain->encoding == TextEncoding::Utf8);
    CHECK(plain->utf8 == "张三,1\n");
    auto bom = decodeTextFile("\xEF\xBB\xBF张三,1\n");
    REQUIRE(bom);
    CHECK(bom->utf8 == "张三,1\n");
}

TEST_CASE("text files: GB18030 from Excel becomes UTF-8 with the right characters",
          "[base][text]") {
    auto decoded = decodeTextFile(kGb18030);
    REQUIRE(decoded);
    CHECK(decoded->encoding == TextEncoding::Gb18030);
    CHECK(decoded->utf8 == "张三,李四\n王芳,准考证号\n");
    CHECK(isValidUtf8(decoded->utf8));
    // A four-byte GB18030 sequence (U+20000, outside the BMP) comes through too.
    auto supplementary = decodeTextFile("\xD5\xC5\x95\x32\x82\x36\n");
    REQUIRE(supplementary);
    CHECK(supplementary->utf8 == "张\xF0\xA0\x80\x80\n");
}

TEST_CASE("text files: neither UTF-8 nor GB18030 is refused naming the line", "[base][text]") {
    // Line 3 holds 0xFF, which starts nothing in either encoding.
    auto binary = decodeTextFile("a,b\nc,d\n\xFF\xFE,e\n");
    REQUIRE_FALSE(binary);
    CHECK(binary.error().kind == ErrorKind::BadInput);
    CHECK_THAT(binary.error().message, Catch::StartsWith("line 3: neither UTF-8 nor GB18030"));
    // A GB18030 character cut off at the end of the file.
    auto cut = decodeTextFile("\xD5\xC5,\n\xD5");
    REQUIRE_FALSE(cut);
    CHECK_THAT(cut.error().message, Catch::StartsWith("line 2:"));
    // NUL bytes (UTF-16 files are full of them) are not text.
    auto utf16 = decodeTextFile(std::string("\xFF\xFE"
                                            "a\0,\0b\0",
                                            8));
    REQUIRE_FALSE(utf16);
    CHECK_THAT(utf16.error().message, Catch::Contains("neither UTF-8 nor GB18030"));
    // A UTF-8 BOM promises UTF-8: bytes after it that are not UTF-8 are refused, not re-read.
    auto lying = decodeTextFile("\xEF\xBB\xBF"
                                "ok\n\xD5\xC5\n");
    REQUIRE_FALSE(lying);
    CHECK_THAT(lying.error().message, Catch::StartsWith("line 2:"));
}

TEST_CASE("csv: quoted commas, quotes and line breaks, CRLF, line numbers", "[base][csv]") {
    const std::string text = "a,\"b, \"\"c\"\"\",d\r\n\"two\nlines\",x\r\n\n last ,\n";
    CsvReader reader(text);
    auto first = reader.next();
    REQUIRE(first);
    REQUIRE(*first);
    CHECK((*first)->line == 1);
    CHECK((*first)->fields == std::vector<std::string>{"a", "b, \"c\"", "d"});
    auto second = reader.next();
    REQUIRE(second);
    REQUIRE(*second);
    CHECK((*second)->line == 2);
    CHECK((*second)->fields == std::vector<std::string>{"two\nlines", "x"});
    auto blank = reader.next();
    REQUIRE(blank);
    REQUIRE(*blank);
    CHECK((*blank)->line == 4); // the quoted line break counted
    CHECK((*blank)->fields == std::vector<std::string>{""});
    auto last = reader.next();
    REQUIRE(last);
    REQUIRE(*last);
    CHECK((*last)->line == 5);
    CHECK(trimField((*last)->fields[0]) == "last");
    CHECK((*last)->fields.size() == 2);
    auto end = reader.next();
    REQUIRE(end);
    CHECK_FALSE(*end);
}

TEST_CASE("csv: an unclosed quote and an over-long field name their line", "[base][csv]") {
    CsvReader unclosed("ok,1\nbad,\"never\nclosed\n");
    REQUIRE(unclosed.next());
    auto bad = unclosed.next();
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::StartsWith("line 2: unclosed quote"));
    const std::string longLine = std::string(20, 'x') + "\n"; // the reader keeps a view of it
    CsvReader longField(longLine, 10);
    auto tooLong = longField.next();
    REQUIRE_FALSE(tooLong);
    CHECK_THAT(tooLong.error().message, Catch::StartsWith("line 1: field too long"));
}

TEST_CASE("dates: impossible dates and times are refused, real ones kept", "[base][time]") {
    CHECK(isValidCivilDate(2024, 2, 29));
    CHECK_FALSE(isValidCivilDate(2026, 2, 29));
    CHECK_FALSE(isValidCivilDate(1900, 2, 29)); // not a leap year
    CHECK(isValidCivilDate(2000, 2, 29));
    CHECK_FALSE(isValidCivilDate(2026, 4, 31));
    CHECK_FALSE(isValidCivilDate(2026, 13, 1));
    for (const char* impossible :
         {"2026-02-31T00:00:00Z", "2026-04-31T08:00:00Z", "2026-02-29T00:00:00Z",
          "2026-12-07T24:00:00Z", "2026-12-07T12:60:00Z", "2026-12-07T12:00:00+25:00"}) {
        INFO(impossible);
        auto parsed = parseIsoTime(impossible);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().kind == ErrorKind::BadInput);
    }
    auto leap = parseIsoTime("2024-02-29T00:00:00Z");
    REQUIRE(leap);
    CHECK(*leap == 1709164800);
}
