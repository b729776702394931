// isJsonObjectText replaced nlohmann::json::accept in validateDraft for speed; these tests pin
// that it refuses and accepts exactly what the old check did, on hand-picked cases and on
// generated documents and their mutations.

#include "storage/event.hpp"
#include "storage/json_syntax.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

using namespace doorpost;
using namespace doorpost::storage;
using namespace std::string_literals;

namespace {

// The check validateDraft made before: no NUL byte (accept() takes NUL as the end of input, so
// "{}\0junk" would pass it), first non-blank byte '{', and accept().
bool oldDetailCheck(const std::string& text) {
    if (text.find('\0') != std::string::npos) {
        return false;
    }
    const auto first = text.find_first_not_of(" \t\n\r");
    return first != std::string::npos && text[first] == '{' && nlohmann::json::accept(text);
}

std::string hexDump(const std::string& text) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0x0f]);
        hex.push_back(' ');
    }
    return hex;
}

struct Case {
    std::string text;
    bool valid;
    const char* why;
};

const std::vector<Case>& handPicked() {
    static const std::vector<Case> cases = {
        {"{}", true, "empty object"},
        {" \t\r\n{ \t\r\n} \t\r\n", true, "all four whitespace bytes around and inside"},
        {R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})", true, "members of every kind"},
        {R"({"a":[],"b":{},"c":[[]],"d":[{}]})", true, "empty containers nested"},
        {R"({"s":"\" \\ \/ \b \f \n \r \t"})", true, "every short escape"},
        {R"({"s":"\u0041\u00e9\uFFFF\u0000"})", true, "\\u escapes, either case, U+0000 escaped"},
        {R"({"s":"\uD83D\uDE00"})", true, "escaped surrogate pair"},
        {"{\"s\":\"\xC3\xA9\xE5\xBC\xA0\xF0\x9F\x98\x80\x7F\"}", true,
         "UTF-8 of 2, 3, 4 bytes; DEL"},
        {"{\"s\":\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80\"}", true,
         "UTF-8 edges: U+FFFF, U+10FFFF, U+D7FF, U+E000"},
        {R"({"n":[0,-0,1,-1,10,0.5,-0.0,1e5,1E5,1e+5,1e-5,12.34e-56,18446744073709551616]})", true,
         "numbers of every grammar form, one above 64-bit range"},
        {R"({"n":[1e-400,0e99999,0.0e99999999999999999999999,-1e-99999999999999999999]})", true,
         "numbers that underflow a double (nlohmann reads them as 0)"},
        {R"({"n":[1.7976931348623157e308,1.797693134862315807e308,17976931348623157e292]})", true,
         "DBL_MAX and what rounds down to it"},
        {"{\"n\":0." + std::string(400, '0') + "1e400}", true,
         "400 leading zeros offset the exponent"},
        {R"({"n":1e400})", false, "overflows a double (nlohmann refuses infinity)"},
        {R"({"n":-1e309})", false, "negative overflow"},
        {R"({"n":1.797693134862315808e308})", false, "just past DBL_MAX rounds to infinity"},
        {R"({"n":1e99999999999999999999999})", false, "exponent beyond 64 bits"},
        {"{\"n\":1" + std::string(309, '0') + "}", false, "310-digit integer"},
        {R"({"a":1,"a":2})", true, "duplicate keys are syntax-valid"},

        {"", false, "empty text"},
        {"   ", false, "only whitespace"},
        {"[]", false, "array, not object"},
        {"\"{}\"", false, "string, not object"},
        {"1", false, "number, not object"},
        {"null", false, "literal, not object"},
        {"{", false, "unclosed object"},
        {"{}}", false, "extra close"},
        {"{}{}", false, "two texts"},
        {"{} x", false, "trailing garbage"},
        {"\f{}", false, "form feed is not JSON whitespace"},
        {"\xEF\xBB\xBF{}", false, "byte-order mark (the old first-byte check refused it)"},
        {"{}\0"s, false, "NUL after the object"},
        {"{\"a\0\":1}"s, false, "NUL inside a key"},
        {R"({"a":1,})", false, "trailing comma in object"},
        {R"({"a":[1,]})", false, "trailing comma in array"},
        {R"({,"a":1})", false, "leading comma"},
        {R"({"a":1 "b":2})", false, "missing comma"},
        {R"({"a" 1})", false, "missing colon"},
        {R"({a:1})", false, "unquoted key"},
        {R"({1:1})", false, "number key"},
        {R"({"a":1:2})", false, "second colon"},
        {R"({"a":[1}})", false, "mismatched close"},
        {R"({"a":'x'})", false, "single quotes"},
        {R"({"a":"x})", false, "unterminated string"},
        {"{\"a\":\"\t\"}", false, "raw tab in string"},
        {"{\"a\":\"\x1f\"}", false, "raw U+001F in string"},
        {R"({"a":"\x"})", false, "unknown escape"},
        {R"({"a":"\u12"})", false, "short \\u escape"},
        {R"({"a":"\u12G4"})", false, "non-hex digit in \\u"},
        {R"({"a":"\uD800"})", false, "lone high surrogate escape"},
        {R"({"a":"\uD800x"})", false, "high surrogate followed by text"},
        {R"({"a":"\uD800\u0041"})", false, "high surrogate followed by non-surrogate"},
        {R"({"a":"\uD800\uD800"})", false, "two high surrogates"},
        {R"({"a":"\uDC00"})", false, "lone low surrogate escape"},
        {R"({"a":"\uDE00\uD83D"})", false, "surrogates in the wrong order"},
        {"{\"a\":\"\x80\"}", false, "UTF-8 continuation byte alone"},
        {"{\"a\":\"\xC0\xAF\"}", false, "overlong 2-byte form"},
        {"{\"a\":\"\xC1\xBF\"}", false, "overlong 2-byte form (C1)"},
        {"{\"a\":\"\xE0\x80\xAF\"}", false, "overlong 3-byte form"},
        {"{\"a\":\"\xF0\x80\x80\xAF\"}", false, "overlong 4-byte form"},
        {"{\"a\":\"\xED\xA0\x80\"}", false, "UTF-8-encoded surrogate U+D800"},
        {"{\"a\":\"\xF4\x90\x80\x80\"}", false, "above U+10FFFF"},
        {"{\"a\":\"\xF5\x80\x80\x80\"}", false, "lead byte F5"},
        {"{\"a\":\"\xFF\"}", false, "byte FF"},
        {"{\"a\":\"\xC3\"}", false, "UTF-8 sequence cut by the quote"},
        {"{\"a\":\"\xE5\xBC\"}", false, "3-byte sequence missing its last byte"},
        {"{\"a\xC3", false, "text ends inside a UTF-8 sequence"},
        {R"({"a":01})", false, "leading zero"},
        {R"({"a":-})", false, "minus alone"},
        {R"({"a":+1})", false, "plus sign"},
        {R"({"a":1.})", false, "no digits after point"},
        {R"({"a":.5})", false, "no digits before point"},
        {R"({"a":1e})", false, "no exponent digits"},
        {R"({"a":1e+})", false, "sign without exponent digits"},
        {R"({"a":0x1})", false, "hex number"},
        {R"({"a":NaN})", false, "NaN"},
        {R"({"a":tru})", false, "truncated literal"},
        {R"({"a":truex})", false, "literal with trailing letters"},
        {R"({"a":True})", false, "capitalised literal"},
        {R"({"a":nul})", false, "truncated null"},
        {R"({"a":1}/*c*/)", false, "comment"},
    };
    return cases;
}

// Random well-formed JSON objects: every kind of value, string escapes, multi-byte UTF-8,
// surrogate pairs and whitespace, small enough that a mutation often lands somewhere that
// matters.
class DocumentGenerator {
public:
    explicit DocumentGenerator(std::mt19937& rng) : m_rng(rng) {}

    std::string document() {
        std::string out;
        space(out);
        object(out, 0);
        space(out);
        return out;
    }

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

private:
    void space(std::string& out) {
        static constexpr char kSpace[] = {' ', '\t', '\n', '\r'};
        if (pick(4) == 0) {
            for (int i = pick(3); i >= 0; --i) {
                out.push_back(kSpace[pick(4)]);
            }
        }
    }

    void value(std::string& out, int depth) {
        space(out);
        const int kind = depth >= 4 ? 2 + pick(4) : pick(6);
        switch (kind) {
        case 0:
            object(out, depth + 1);
            break;
        case 1:
            array(out, depth + 1);
            break;
        case 2:
            string(out);
            break;
        case 3:
            number(out);
            break;
        case 4:
            out += pick(2) == 0 ? "true" : "false";
            break;
        default:
            out += "null";
            break;
        }
        space(out);
    }

    void object(std::string& out, int depth) {
        out.push_back('{');
        const int members = pick(5);
        space(out);
        for (int i = 0; i < members; ++i) {
            if (i > 0) {
                out.push_back(',');
            }
            space(out);
            string(out);
            space(out);
            out.push_back(':');
            value(out, depth);
        }
        out.push_back('}');
    }

    void array(std::string& out, int depth) {
        out.push_back('[');
        const int elements = pick(4);
        space(out);
        for (int i = 0; i < elements; ++i) {
            if (i > 0) {
                out.push_back(',');
            }
            value(out, depth);
        }
        out.push_back(']');
    }

    void hex4(std::string& out, unsigned unit) {
        const char* digits = pick(2) == 0 ? "0123456789abcdef" : "0123456789ABCDEF";
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.push_back(digits[(unit >> shift) & 0xf]);
        }
    }

    void utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | cp >> 6));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | cp >> 12));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            out.push_back(static_cast<char>(0xF0 | cp >> 18));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }

    // A code point that is not a surrogate, from each UTF-8 length including the edges.
    unsigned scalar() {
        static constexpr unsigned kEdges[] = {0x7f,   0x80,   0x7ff,   0x800,   0xd7ff,
                                              0xe000, 0xffff, 0x10000, 0x10ffff};
        switch (pick(5)) {
        case 0:
            return kEdges[pick(9)];
        case 1:
            return 0x80 + static_cast<unsigned>(pick(0x780));
        case 2:
            return 0x800 + static_cast<unsigned>(pick(0xd000));
        case 3:
            return 0xe000 + static_cast<unsigned>(pick(0x2000));
        default:
            return 0x10000 + static_cast<unsigned>(pick(0x100000));
        }
    }

    void string(std::string& out) {
        static constexpr char kShort[] = {'"', '\\', '/', 'b', 'f', 'n', 'r', 't'};
        out.push_back('"');
        for (int i = pick(7); i > 0; --i) {
            switch (pick(6)) {
            case 0:
                out.push_back(static_cast<char>(0x20 + pick(0x5f))); // printable ASCII
                if (out.back() == '"' || out.back() == '\\') {
                    out.back() = 'x';
                }
                break;
            case 1:
                out.push_back('\\');
                out.push_back(kShort[pick(8)]);
                break;
            case 2: {
                out += "\\u";
                const unsigned cp = pick(3) == 0 ? static_cast<unsigned>(pick(0x20)) : scalar();
                if (cp < 0x10000) {
                    hex4(out, cp);
                } else {
                    hex4(out, 0xD800 + ((cp - 0x10000) >> 10));
                    out += "\\u";
                    hex4(out, 0xDC00 + ((cp - 0x10000) & 0x3ff));
                }
                break;
            }
            default:
                utf8(out, scalar());
                break;
            }
        }
        out.push_back('"');
    }

    void number(std::string& out) {
        // Now and then one near the limits of a double, where nlohmann refuses overflow.
        static const std::string kEdges[] = {"1e308",
                                             "1e309",
                                             "-1e400",
                                             "1e-400",
                                             "1.7976931348623157e308",
                                             "1.797693134862315808e308",
                                             "0.1e310",
                                             "0e99999",
                                             "100e306",
                                             "1000e306",
                                             std::string(309, '9'),
                                             "1" + std::string(308, '0')};
        if (pick(40) == 0) {
            out += kEdges[pick(static_cast<int>(std::size(kEdges)))];
            return;
        }
        if (pick(3) == 0) {
            out.push_back('-');
        }
        if (pick(3) == 0) {
            out.push_back('0');
        } else {
            out.push_back(static_cast<char>('1' + pick(9)));
            digits(out);
        }
        if (pick(3) == 0) {
            out.push_back('.');
            out.push_back(static_cast<char>('0' + pick(10)));
            digits(out);
        }
        if (pick(3) == 0) {
            out.push_back(pick(2) == 0 ? 'e' : 'E');
            const int sign = pick(3);
            if (sign < 2) {
                out.push_back(sign == 0 ? '+' : '-');
            }
            out.push_back(static_cast<char>('0' + pick(10)));
            digits(out);
        }
    }

    void digits(std::string& out) {
        for (int i = pick(4); i > 0; --i) {
            out.push_back(static_cast<char>('0' + pick(10)));
        }
    }

    std::mt19937& m_rng;
};

// Edits that tend to break JSON in the places a checker gets wrong: structure bytes, escapes,
// control and NUL bytes, stray or ill-formed UTF-8, surrogates, number pieces, truncation.
void mutate(std::string& text, DocumentGenerator& gen) {
    static const std::string kInserts[] = {"\"",
                                           "\\",
                                           ",",
                                           ":",
                                           "{",
                                           "}",
                                           "[",
                                           "]",
                                           " ",
                                           "\f",
                                           "\0"s,
                                           "\x1f",
                                           "\x7f",
                                           "\x80",
                                           "\xC0",
                                           "\xC3",
                                           "\xED\xA0\x80",
                                           "\xC0\xAF",
                                           "\xE0\x80\x80",
                                           "\xF4\x90\x80\x80",
                                           "\xF0",
                                           "\xEF\xBB\xBF",
                                           "\\u",
                                           "\\uD800",
                                           "\\uDC00",
                                           "\\uD83D\\uDE00",
                                           "0",
                                           "-",
                                           ".",
                                           "e",
                                           "+",
                                           "true",
                                           "n",
                                           "\"\":",
                                           "{}",
                                           "[]",
                                           ",1"};
    const auto at = [&](std::size_t extra) {
        return static_cast<std::size_t>(gen.pick(static_cast<int>(text.size() + extra)));
    };
    switch (gen.pick(6)) {
    case 0:
        if (!text.empty()) {
            text[at(0)] = static_cast<char>(gen.pick(256)); // any byte
        }
        break;
    case 1:
        if (!text.empty()) {
            text[at(0)] ^= static_cast<char>(1 << gen.pick(8)); // one bit
        }
        break;
    case 2:
    case 3:
        text.insert(at(1), kInserts[gen.pick(static_cast<int>(std::size(kInserts)))]);
        break;
    case 4:
        if (!text.empty()) {
            text.erase(at(0), 1 + static_cast<std::size_t>(gen.pick(3)));
        }
        break;
    default:
        text.resize(at(1));
        break; // truncation
    }
}

std::string nested(std::size_t levels, bool closed) {
    // The outer object holds levels - 1 arrays.
    std::string text = "{\"a\":";
    text.append(levels - 1, '[');
    if (closed) {
        text.append(levels - 1, ']');
        text.push_back('}');
    }
    return text;
}

} // namespace

TEST_CASE("isJsonObjectText: hand-picked valid and invalid texts") {
    for (const auto& c : handPicked()) {
        INFO(c.why << ": " << hexDump(c.text));
        CHECK(isJsonObjectText(c.text) == c.valid);
        // The table is also checked against the old check, so it cannot drift from it.
        CHECK(oldDetailCheck(c.text) == c.valid);
    }
}

TEST_CASE("isJsonObjectText agrees with nlohmann::json::accept on generated documents") {
    std::mt19937 rng(20261127);
    DocumentGenerator gen(rng);
    constexpr int kDocuments = 8000;
    constexpr int kMutantsPerDocument = 2;
    int compared = 0;
    int documentsAccepted = 0; // all but those with an overflowing number
    int mutantsAccepted = 0;
    int mutantsRefused = 0;
    const auto compare = [&](const std::string& text) {
        ++compared;
        const bool mine = isJsonObjectText(text);
        const bool theirs = oldDetailCheck(text);
        if (mine != theirs) {
            FAIL("disagreement on input #" << compared << " (ours " << mine << ", nlohmann "
                                           << theirs << "): " << hexDump(text));
        }
        return mine;
    };
    for (int d = 0; d < kDocuments; ++d) {
        const std::string doc = gen.document();
        documentsAccepted += compare(doc) ? 1 : 0;
        for (int m = 0; m < kMutantsPerDocument; ++m) {
            std::string mutant = doc;
            for (int edits = 1 + gen.pick(3); edits > 0; --edits) {
                mutate(mutant, gen);
            }
            (compare(mutant) ? mutantsAccepted : mutantsRefused)++;
        }
    }
    CHECK(compared >= 20000);
    CHECK(documentsAccepted > kDocuments * 8 / 10);
    // Both outcomes must be common among mutants, or the comparison says little.
    CHECK(mutantsAccepted > compared / 50);
    CHECK(mutantsRefused > compared / 4);
}

TEST_CASE("isJsonObjectText bounds the nesting depth") {
    CHECK(isJsonObjectText(nested(100, true)));
    CHECK(isJsonObjectText(nested(kJsonMaxDepth, true)));
    CHECK_FALSE(isJsonObjectText(nested(kJsonMaxDepth + 1, true)));
    // Hostile depth: refused, closed or not, without using the call stack for it.
    CHECK_FALSE(isJsonObjectText(nested(100'000, true)));
    CHECK_FALSE(isJsonObjectText(nested(100'000, false)));
    std::string objects;
    for (int i = 0; i < 100'000; ++i) {
        objects += "{\"a\":";
    }
    CHECK_FALSE(isJsonObjectText(objects));
}

TEST_CASE("validateDraft refuses a detail that is not a JSON object") {
    EventDraft draft;
    CHECK(validateDraft(draft));
    for (const char* bad : {"", "[]", "{\"a\":1,}", "{\"a\":\"\xC0\xAF\"}"}) {
        draft.detail = bad;
        const auto result = validateDraft(draft);
        REQUIRE_FALSE(result);
        CHECK(result.error().message == "detail: must be a JSON object");
    }
    draft.detail = R"({"raw":"DP1:ABC","room":"A-101","seat":12,"name":"张三"})";
    CHECK(validateDraft(draft));
}
