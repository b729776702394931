// Every change to what the gate decides with moves the trust generation, in the change's own
// transaction: committed together, rolled back together.

#include "storage/database.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_generation.hpp"
#include "storage/trust_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

std::string generation(Database& db) {
    return db.meta(kTrustGenerationKey)->value_or("none");
}

} // namespace

TEST_CASE("Trust and roster changes move the trust generation with them") {
    TempDir dir;
    auto db = Database::open(dir.file("kiosk.db"));
    REQUIRE(db);
    CHECK(generation(*db) == "none");

    TrustStore trust(*db);
    REQUIRE(trust.add({TrustKind::PassKey, "00", "aa", "key", "test", 1, 2}));
    CHECK(generation(*db) == "1");
    REQUIRE(trust.deny({"P-1", "staff", 1, 2}));
    CHECK(generation(*db) == "2");
    REQUIRE(RosterStore(*db).replace({{"2021110100731", "Li", "s", "m", "am", "101", "1"}},
                                     {1, "roster.csv", 1, 2}));
    CHECK(generation(*db) == "3");

    SECTION("inside the caller's transaction, a rollback takes the bump back too") {
        {
            auto tx = Transaction::begin(*db);
            REQUIRE(tx);
            REQUIRE(trust.deny({"P-2", "staff", 1, 2}));
            CHECK(generation(*db) == "4");
        } // rolled back
        CHECK(generation(*db) == "3");
        CHECK(trust.denied()->size() == 1);
    }
    SECTION("a failed change moves nothing") {
        REQUIRE(db->exec("CREATE TRIGGER no_more BEFORE INSERT ON deny_list"
                         " BEGIN SELECT RAISE(ABORT, 'refused'); END"));
        CHECK_FALSE(trust.deny({"P-3", "staff", 1, 2}));
        CHECK(generation(*db) == "3");
    }
}
