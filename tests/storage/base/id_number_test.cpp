#include "storage/base/id_number.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;

TEST_CASE("valid resident ID numbers pass", "[id]") {
    for (const char* id : {"11010519491231002X", "440524188001010014", "11010519491231002x"}) {
        auto checked = checkResidentId(id);
        INFO(id);
        REQUIRE(checked);
        CHECK(checked->masked.size() == 18);
        // Two and two: the city, county, birth date and two sequence digits hidden.
        CHECK(checked->masked.substr(2, 14) == "**************");
        CHECK(checked->masked.substr(0, 2) == std::string(id).substr(0, 2));
    }
    CHECK(maskIdNumber("11010519491231002X") == "11**************2X");
    CHECK(maskIdNumber("E12345678") == "E******78");
    CHECK(checkResidentId("11010519491231002x")->normalised == "11010519491231002X");
}

TEST_CASE("each resident ID problem has its own message", "[id]") {
    auto check = [](const char* id) {
        auto result = checkResidentId(id);
        REQUIRE_FALSE(result);
        return result.error().message;
    };
    CHECK_THAT(check("110105194912310021"), Catch::Contains("wrong check character 1, expected X"));
    CHECK_THAT(check("110105194902300028"), Catch::Contains("impossible birth date 19490230"));
    CHECK_THAT(check("990105194912310028"), Catch::Contains("unknown area code 990105"));
    CHECK_THAT(check("1101051949123100"), Catch::Contains("has 18 characters, this has 16"));
    CHECK_THAT(check("11010519491231002Y"), Catch::Contains("digit or X"));
    CHECK_THAT(check("11010519A91231002X"), Catch::Contains("character 9 must be a digit"));
    // A leap day exists only in leap years.
    CHECK(checkResidentId(std::string("11010520000229") + "123" +
                          residentIdCheckCharacter("11010520000229123")));
    CHECK_THAT(check((std::string("11010519000229") + "123" +
                      residentIdCheckCharacter("11010519000229123"))
                         .c_str()),
               Catch::Contains("impossible birth date"));
}

TEST_CASE("passports and permits are format-checked", "[id]") {
    CHECK(checkPassport("E12345678"));
    CHECK(checkPassport("EA1234567"));
    CHECK(checkPassport("X1234567")); // foreign ICAO document number
    CHECK_FALSE(checkPassport("ABCDEFGHI"));
    CHECK_FALSE(checkPassport("E1"));
    CHECK(checkPermit("H12345678"));
    CHECK(checkPermit("M1234567890"));
    CHECK(checkPermit("C12345678"));
    CHECK(checkPermit("12345678"));
    CHECK(checkPermit("L12345678"));
    CHECK_FALSE(checkPermit("H1234"));
    CHECK_FALSE(checkPermit("Z12345678"));
    CHECK_FALSE(checkPermit(std::string(5000, '1')));
}
