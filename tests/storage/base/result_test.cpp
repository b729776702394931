#include "storage/base/result.hpp"

#include <catch2/catch.hpp>

using doorpost::Result;

TEST_CASE("Result carries either a value or an error") {
    Result<int> good = 7;
    REQUIRE(good.ok());
    CHECK(*good == 7);

    Result<int> bad = doorpost::environmentFault("storage fault: disk full");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == doorpost::ErrorKind::Environment);
    CHECK(bad.error().message == "storage fault: disk full");
}
