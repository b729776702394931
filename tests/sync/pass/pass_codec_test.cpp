#include "sync/pass/base45.hpp"
#include "sync/pass/cbor.hpp"
#include "sync/pass/cose.hpp"
#include "sync/pass/zlib_codec.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace doorpost;
using namespace doorpost::sync::pass;

namespace {
std::vector<std::uint8_t> bytesOf(std::string_view s) {
    return {s.begin(), s.end()};
}
} // namespace

TEST_CASE("base45 matches the RFC 9285 examples", "[pass][base45]") {
    CHECK(base45Encode(bytesOf("AB")) == "BB8");
    CHECK(base45Encode(bytesOf("Hello!!")) == "%69 VD92EX0");
    CHECK(base45Encode(bytesOf("base-45")) == "UJCLQE7W581");
    auto decoded = base45Decode("QED8WEX0");
    REQUIRE(decoded);
    CHECK(std::string(decoded->begin(), decoded->end()) == "ietf!");
}

TEST_CASE("base45 rejects bad characters, a lone tail and overflow", "[pass][base45]") {
    CHECK_FALSE(base45Decode("GGW"));  // 65535 + 1 overflows two bytes
    CHECK_FALSE(base45Decode("ABCD")); // one trailing character
    CHECK_FALSE(base45Decode("ab"));   // lower case is not in the alphabet
    CHECK_FALSE(base45Decode(":::"));  // group overflow
    CHECK(base45Decode("").ok());
}

TEST_CASE("zlib round-trips and refuses bombs, truncation and trailing data", "[pass][zlib]") {
    const auto text = bytesOf(std::string(1000, 'x') + "doorpost");
    const auto packed = deflateZlib(text);
    auto unpacked = inflateZlib(packed);
    REQUIRE(unpacked);
    CHECK(*unpacked == text);
    CHECK_FALSE(inflateZlib(packed, 100)); // over the size limit
    auto truncated = packed;
    truncated.resize(truncated.size() - 3);
    CHECK_FALSE(inflateZlib(truncated));
    auto trailing = packed;
    trailing.push_back(0);
    CHECK_FALSE(inflateZlib(trailing));
    CHECK_FALSE(inflateZlib(text)); // not compressed at all
}

TEST_CASE("cbor reads what the writer writes", "[pass][cbor]") {
    CborWriter writer;
    writer.mapHeader(3).integer(1).text("CN").integer(-260).bytes(bytesOf("xyz"));
    writer.text("list").arrayHeader(2).integer(-1000000).unsignedInt(1ull << 40);
    auto value = cborDecode(writer.data());
    REQUIRE(value);
    REQUIRE(value->type == CborValue::Type::Map);
    CHECK(value->find(1)->text == "CN");
    CHECK(value->find(-260)->bytes.size() == 3);
    CHECK(value->find("list")->items[0].asInt() == -1000000);
    CHECK(value->find("list")->items[1].asInt() == (1ll << 40));
}

TEST_CASE("cbor is strict", "[pass][cbor]") {
    using V = std::vector<std::uint8_t>;
    CHECK_FALSE(cborDecode(V{0x01, 0x02}));             // trailing byte
    CHECK_FALSE(cborDecode(V{0x1c}));                   // reserved additional info
    CHECK_FALSE(cborDecode(V{0x5a, 0xff, 0xff, 0xff})); // length past the end
    CHECK_FALSE(cborDecode(V{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})); // huge count
    CHECK_FALSE(cborDecode(V{0xa2, 0x01, 0x00, 0x01, 0x00})); // duplicate key
    CHECK_FALSE(cborDecode(V{0x62, 0xc3, 0x28}));             // invalid UTF-8
    CHECK_FALSE(cborDecode(V{0xff}));                         // stray break
    V deep(40, 0x81);
    deep.push_back(0x00);
    CHECK_FALSE(cborDecode(deep)); // nesting limit
    auto indefinite = cborDecode(V{0xbf, 0x61, 0x61, 0x01, 0xff});
    REQUIRE(indefinite);
    CHECK(indefinite->find("a")->asInt() == 1);
    auto half = cborDecode(V{0xf9, 0x3c, 0x00});
    REQUIRE(half);
    CHECK(half->floating == 1.0);
}

TEST_CASE("cose_sign1 builds and parses with tags 18 and 61", "[pass][cose]") {
    const std::vector<std::uint8_t> kid(8, 7);
    const auto protectedBytes = coseProtectedHeader(kCoseAlgEdDsa, kid);
    const auto payload = bytesOf("payload");
    const auto signature = bytesOf("sig");
    const auto built = buildCoseSign1(protectedBytes, payload, signature);
    auto parsed = parseCoseSign1(built);
    REQUIRE(parsed);
    CHECK(parsed->alg == kCoseAlgEdDsa);
    CHECK(parsed->algProtected);
    CHECK(parsed->kid == kid);
    CHECK(parsed->kidProtected);
    CHECK(parsed->payload == payload);
    CborWriter doubleTagged;
    doubleTagged.tag(61).raw(built); // CWT tag around the COSE tag
    CHECK(parseCoseSign1(doubleTagged.data()).ok());
    std::vector<std::uint8_t> wrongTag = built;
    wrongTag[0] = 0xd1; // tag 17 (COSE_Mac0)
    CHECK_FALSE(parseCoseSign1(wrongTag));
}
