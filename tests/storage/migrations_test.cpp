#include <catch2/catch.hpp>

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/migrations.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace doorpost::storage;
using doorpost::storage::test::TempDir;

namespace {

struct RawDb {
    explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
    ~RawDb() { sqlite3_close(db); }
    int userVersion() const {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
        sqlite3_step(stmt);
        const int version = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
        return version;
    }
    sqlite3* db = nullptr;
};

} // namespace

TEST_CASE("Migrations bring an empty file to the latest version") {
    TempDir dir;
    auto db = Database::open(dir.file("kiosk.db"));
    REQUIRE(db);
    CHECK(*db->schemaVersion() == static_cast<int>(migrations().size()));
    auto log = EventLog::open(*db);
    REQUIRE(log);
    CHECK(log->append(EventDraft{}));
}

TEST_CASE("Migrations bring every earlier version to the latest") {
    const int latest = static_cast<int>(migrations().size());
    for (int from = 0; from < latest; ++from) {
        DYNAMIC_SECTION("from version " << from) {
            TempDir dir;
            const auto path = dir.file("kiosk.db");
            {
                RawDb raw(path);
                REQUIRE(applyMigrations(raw.db, migrations(), from));
                CHECK(raw.userVersion() == from);
            }
            auto db = Database::open(path);
            REQUIRE(db);
            CHECK(*db->schemaVersion() == latest);
            CHECK_FALSE(db->movedAside());
            auto log = EventLog::open(*db);
            REQUIRE(log);
            CHECK(*log->append(EventDraft{}) == 1);
            CHECK(log->verifyChain()->ok);
        }
    }
}

TEST_CASE("Migrations are applied once; reopening changes nothing") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    std::string epoch;
    {
        auto db = Database::open(path);
        REQUIRE(db);
        epoch = **db->meta("epoch");
    }
    RawDb raw(path);
    REQUIRE(applyMigrations(raw.db, migrations()));
    CHECK(raw.userVersion() == static_cast<int>(migrations().size()));
}

TEST_CASE("A failing migration leaves the database at its last good version") {
    TempDir dir;
    RawDb raw(dir.file("kiosk.db"));
    const Migration list[] = {
        {"one", "CREATE TABLE a(x);"},
        {"two", "CREATE TABLE b(x); INSERT INTO nowhere VALUES (1);"},
    };
    auto result = applyMigrations(raw.db, list);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("two") != std::string::npos);
    CHECK(raw.userVersion() == 1);
    // b was created inside the failed migration's transaction and must be gone.
    CHECK(sqlite3_exec(raw.db, "SELECT * FROM b", nullptr, nullptr, nullptr) != SQLITE_OK);
}

TEST_CASE("A database migrated by a different list is refused") {
    TempDir dir;
    RawDb raw(dir.file("kiosk.db"));
    const Migration ours[] = {{"one", "CREATE TABLE a(x);"}, {"two", "CREATE TABLE b(x);"}};
    const Migration theirs[] = {{"one", "CREATE TABLE a(x);"}, {"other", "CREATE TABLE c(x);"},
                                {"three", "CREATE TABLE d(x);"}};
    REQUIRE(applyMigrations(raw.db, ours));
    CHECK_FALSE(applyMigrations(raw.db, theirs));
    const Migration shorter[] = {{"one", "CREATE TABLE a(x);"}};
    CHECK_FALSE(applyMigrations(raw.db, shorter)); // newer than the build
    CHECK(raw.userVersion() == 2);
}
