// Rosters published with ID numbers: the central hashes them at import, as a kiosk would with
// the same deployment salt, and never stores them.

#include "storage/base/hex.hpp"
#include "sync/central/roster_id_numbers.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

using doorpost::sync::SetItem;
using doorpost::sync::central::hashRosterIdNumbers;
namespace fs = std::filesystem;

namespace {

SetItem candidate(const std::string& number, nlohmann::json fields) {
    fields["name"] = "Candidate " + number;
    return {number, std::move(fields)};
}

// item key -> value, from a SQLite file (the central's set_items, or the kiosk's roster).
std::map<std::string, std::string> readPairs(const fs::path& db, const char* sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr) == SQLITE_OK);
    std::map<std::string, std::string> pairs;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        pairs[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] =
            reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    return pairs;
}

// Every byte the central keeps on disk under `dir`, as one string.
std::string allBytesUnder(const fs::path& dir) {
    std::string bytes;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
}

} // namespace

TEST_CASE("roster ID numbers become the subject key and masked ID, and are dropped",
          "[central][roster]") {
    std::vector<SetItem> items = {
        candidate("100100001", {{"id_number", "11010519491231002x"}, {"room", "101"}}),
        candidate("100100002", {{"id_number", "E12345678"}}),
        candidate("100100003", {{"subject_key", "ab"}, {"masked_id", "1101**"}}), // already hashed
    };
    REQUIRE(hashRosterIdNumbers(items, "site-salt"));

    const auto resident = doorpost::sync::pass::subjectKey("11010519491231002X", "site-salt");
    CHECK(items[0].value.at("subject_key") == doorpost::toHex(resident));
    CHECK(items[0].value.at("masked_id") == "1101**********002X");
    CHECK(items[0].value.at("room") == "101");
    CHECK_FALSE(items[0].value.contains("id_number"));
    CHECK(items[1].value.at("subject_key") ==
          doorpost::toHex(doorpost::sync::pass::subjectKey("E12345678", "site-salt")));
    CHECK_FALSE(items[1].value.contains("id_number"));
    CHECK(items[2].value.at("subject_key") == "ab");

    SECTION("a bad number is named with its candidate, and nothing is changed") {
        std::vector<SetItem> bad = {
            candidate("100100001", {{"id_number", "11010519491231002X"}}),
            candidate("100100002", {{"id_number", "440524188001010015"}}), // wrong check character
        };
        const auto before = bad;
        auto hashed = hashRosterIdNumbers(bad, "site-salt");
        REQUIRE_FALSE(hashed);
        CHECK_THAT(hashed.error().message,
                   Catch::Contains("candidate 100100002") && Catch::Contains("check character"));
        CHECK(bad[0].value == before[0].value);
    }
    SECTION("an ID number and a subject key together, or a number that is not text, are refused") {
        std::vector<SetItem> both = {
            candidate("1", {{"id_number", "E12345678"}, {"subject_key", "ab"}})};
        CHECK_THAT(hashRosterIdNumbers(both, "site-salt").error().message,
                   Catch::Contains("not both"));
        std::vector<SetItem> number = {candidate("1", {{"id_number", 110105}})};
        CHECK_THAT(hashRosterIdNumbers(number, "site-salt").error().message,
                   Catch::Contains("must be text"));
    }
    SECTION("without the deployment salt nothing is hashed") {
        CHECK_FALSE(hashRosterIdNumbers(items, ""));
    }
}

TEST_CASE("doorpost-central roster import hashes ID numbers exactly as the kiosk does",
          "[central][roster]") {
    const auto dir =
        fs::temp_directory_path() / ("doorpost-roster-ids-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto central = dir / "central";
    const std::string dataDir = "--data-dir " + central.string() + " ";
    REQUIRE(doorpost::test::runBinary("doorpost-central", dataDir + "keys").exitCode == 0);

    {
        std::ofstream csv(dir / "bad.csv");
        csv << "candidate_number,name,id_number,session,room,seat\n"
               "100100001,张三,11010519491231002X,AM,101,07\n"
               "100100002,李四,440524188001010015,AM,101,08\n";
    }
    const auto bad = doorpost::test::runBinary("doorpost-central", dataDir + "roster import " +
                                                                       (dir / "bad.csv").string());
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err,
               Catch::Contains("candidate 100100002") && Catch::Contains("check character"));
    CHECK(bad.err.find('\n') == bad.err.size() - 1); // one line
    const char* kCentralRoster = "SELECT item_key, value FROM set_items WHERE set_name = 'roster'";
    // Nothing published: the numbers are checked before the store is even opened.
    CHECK((!fs::exists(central / "central.db") ||
           readPairs(central / "central.db", kCentralRoster).empty()));

    {
        std::ofstream csv(dir / "roster.csv");
        csv << "candidate_number,name,id_number,session,room,seat\n"
               "100100001,张三,11010519491231002X,AM,101,07\n"
               "100100002,李四,440524188001010014,AM,101,08\n"
               "100100003,王五,E12345678,AM,102,01\n";
    }
    const auto imported = doorpost::test::runBinary(
        "doorpost-central", dataDir + "roster import --json " + (dir / "roster.csv").string());
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
    const auto published = readPairs(central / "central.db", kCentralRoster);
    REQUIRE(published.size() == 3);
    for (const auto& [number, value] : published) {
        const auto json = nlohmann::json::parse(value);
        CHECK_FALSE(json.contains("id_number"));
        CHECK(json.at("subject_key").get<std::string>().size() == 64);
    }
    CHECK(nlohmann::json::parse(published.at("100100001")).at("masked_id") == "1101**********002X");
    const std::string stored = allBytesUnder(central);
    for (const char* id : {"11010519491231002X", "440524188001010014", "E12345678"}) {
        INFO(id);
        CHECK(stored.find(id) == std::string::npos);
    }

    // A kiosk given the central's public keys (and so its salt) computes the same subject keys
    // from the same people's numbers.
    const std::string db = "--db " + (dir / "kiosk.db").string() + " ";
    REQUIRE(
        doorpost::test::runBinary("doorpost", db + "trust add-key " +
                                                  (central / "keys" / "public-keys.json").string())
            .exitCode == 0);
    {
        std::ofstream csv(dir / "kiosk.csv");
        csv << "100100001,张三,11010519491231002X,AM,101,07\n"
               "100100002,李四,440524188001010014,AM,101,08\n"
               "100100003,王五,E12345678,AM,102,01\n";
    }
    REQUIRE(
        doorpost::test::runBinary("doorpost", db + "roster import " + (dir / "kiosk.csv").string())
            .exitCode == 0);
    const auto kiosk =
        readPairs(dir / "kiosk.db", "SELECT candidate_number, subject_key FROM roster");
    REQUIRE(kiosk.size() == 3);
    for (const auto& [number, value] : published) {
        INFO(number);
        CHECK(nlohmann::json::parse(value).at("subject_key") == kiosk.at(number));
    }
    fs::remove_all(dir);
}

TEST_CASE("doorpost-central roster import reads GB18030 and quoted line breaks as written",
          "[central][roster]") {
    doorpost::test::TempDir dir;
    const std::string dataDir = "--data-dir " + dir.file("central") + " ";
    REQUIRE(doorpost::test::runBinary("doorpost-central", dataDir + "keys").exitCode == 0);
    {
        // Excel on a Chinese Windows: GB18030, CRLF, a name with a comma and one with a line
        // break (both quoted). 姓名 = D0D5 C3FB, 张三 = D5C5 C8FD, 李 = C0EE, 四 = CBC4.
        std::ofstream csv(dir.file("roster.csv"), std::ios::binary);
        csv << "candidate_number,\xD0\xD5\xC3\xFB,id_number,session,room,seat\r\n"
               "100100001,\xD5\xC5\xC8\xFD,11010519491231002X,AM,101,07\r\n"
               "100100002,\"\xC0\xEE,\xCB\xC4\",440524188001010014,AM,101,08\r\n"
               "100100003,\"\xC0\xEE\r\n\xCB\xC4\",E12345678,AM,102,01\r\n";
    }
    const auto imported = doorpost::test::runBinary("doorpost-central", dataDir + "roster import " +
                                                                            dir.file("roster.csv"));
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
    const auto published =
        readPairs(fs::path(dir.file("central")) / "central.db",
                  "SELECT item_key, value FROM set_items WHERE set_name = 'roster'");
    REQUIRE(published.size() == 3);
    CHECK(nlohmann::json::parse(published.at("100100001")).at("姓名") == "张三");
    CHECK(nlohmann::json::parse(published.at("100100002")).at("姓名") == "李,四");
    CHECK(nlohmann::json::parse(published.at("100100003")).at("姓名") == "李\r\n四");
}
