#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/migrations.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

struct RawDb {
    explicit RawDb(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    }
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

TEST_CASE("Migrations are applied once, reopening changes nothing") {
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
    const Migration theirs[] = {{"one", "CREATE TABLE a(x);"},
                                {"other", "CREATE TABLE c(x);"},
                                {"three", "CREATE TABLE d(x);"}};
    REQUIRE(applyMigrations(raw.db, ours));
    CHECK_FALSE(applyMigrations(raw.db, theirs));
    const Migration shorter[] = {{"one", "CREATE TABLE a(x);"}};
    CHECK_FALSE(applyMigrations(raw.db, shorter)); // newer than the build
    CHECK(raw.userVersion() == 2);
}

namespace {

// Runs one SQL statement on a raw connection and returns the first column of its first row.
std::string firstText(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
    std::string text;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return text;
}

constexpr const char* kAllRows =
    "SELECT group_concat(seq || '|' || event_id || '|' || epoch || '|' || device_id || '|' ||"
    " wall_time_ms || '|' || monotonic_ms || '|' || boot_id || '|' || kind || '|' ||"
    " credential_type || '|' || subject_key || '|' || masked_id || '|' || verdict || '|' ||"
    " reasons || '|' || operator || '|' || detail || '|' || prev_hash || '|' || hash, ';')"
    " FROM (SELECT * FROM events ORDER BY seq)";

} // namespace

TEST_CASE("Migrations keep every stored event, its seq and AUTOINCREMENT's counter") {
    const int latest = static_cast<int>(migrations().size());
    for (int from = 1; from < latest; ++from) {
        DYNAMIC_SECTION("from version " << from) {
            TempDir dir;
            const auto path = dir.file("kiosk.db");
            std::string rows;
            {
                RawDb raw(path);
                REQUIRE(applyMigrations(raw.db, migrations(), from));
                for (int seq = 1; seq <= 5; ++seq) {
                    const std::string insert =
                        "INSERT INTO events VALUES (" + std::to_string(seq) + ", 'id" +
                        std::to_string(seq) + "', 'ep', 'dev', " + std::to_string(1000 + seq) +
                        ", 7, 'boot', '" + (seq % 2 == 0 ? "manual" : "scan") +
                        "', 'dp1', 'subj', 'mask', '" + (seq == 3 ? "" : "admit") +
                        "', 'a,b', 'op', '{}', 'prev', 'hash')";
                    REQUIRE(sqlite3_exec(raw.db, insert.c_str(), nullptr, nullptr, nullptr) ==
                            SQLITE_OK);
                }
                // A removed tail: the counter stays ahead of the last row, which the verifier
                // reports, so a migration must not "repair" it.
                REQUIRE(sqlite3_exec(raw.db, "DELETE FROM events WHERE seq = 5", nullptr, nullptr,
                                     nullptr) == SQLITE_OK);
                rows = firstText(raw.db, kAllRows);
            }
            {
                auto db = Database::open(path);
                REQUIRE(db);
                CHECK(*db->schemaVersion() == latest);
            }
            RawDb raw(path);
            CHECK(firstText(raw.db, kAllRows) == rows);
            CHECK(firstText(raw.db, "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ==
                  "5");
            CHECK(firstText(raw.db, "PRAGMA integrity_check") == "ok");
            // The checks still hold after the rebuild.
            sqlite3_extended_result_codes(raw.db, 1);
            CHECK(sqlite3_exec(raw.db,
                               "INSERT INTO events VALUES (6, 'i', 'e', 'd', 1, 1, 'b', 'bogus',"
                               " 'dp1', 's', 'm', 'admit', '', '', '{}', 'p', 'h')",
                               nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT_CHECK);
            CHECK(sqlite3_exec(raw.db,
                               "INSERT INTO events VALUES (6, 'i', 'e', 'd', 1, 1, 'b', 'scan',"
                               " 'dp1', 's', 'm', 'maybe', '', '', '{}', 'p', 'h')",
                               nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT_CHECK);
        }
    }
}
