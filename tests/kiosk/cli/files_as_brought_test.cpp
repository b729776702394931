// Files as people bring them, through the real binaries: a roster Excel saved as GB18030 CSV
// imports with the right names at the kiosk and at the central; a file that is neither UTF-8 nor
// GB18030 is refused naming the line, and nothing is stored; impossible dates are refused.

#include "storage/database.hpp"
#include "storage/roster_store.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using doorpost::test::runBinary;
using doorpost::test::TempDir;

namespace {

// The header and two candidates of an exam office's roster, as GB18030 bytes:
//   准考证号,姓名,身份证号,场次,考场,座位
//   100100001,张三,11010519491231002X,上午,101,07
//   100100002,"李,四",440524188001010014,上午,101,08
const std::string kGbRoster =
    "\xD7\xBC\xBF\xBC\xD6\xA4\xBA\xC5,\xD0\xD5\xC3\xFB,"
    "\xC9\xED\xB7\xDD\xD6\xA4\xBA\xC5,\xB3\xA1\xB4\xCE,"
    "\xBF\xBC\xB3\xA1,\xD7\xF9\xCE\xBB\r\n"
    "100100001,\xD5\xC5\xC8\xFD,11010519491231002X,\xC9\xCF\xCE\xE7,101,07\r\n"
    "100100002,\"\xC0\xEE,\xCB\xC4\",440524188001010014,"
    "\xC9\xCF\xCE\xE7,101,08\r\n";

void write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

} // namespace

TEST_CASE("a GB18030 roster imports at the kiosk with the names as written", "[cli][roster]") {
    TempDir dir;
    const std::string db = "--db " + dir.file("kiosk.db") + " ";
    write(dir.file("roster.csv"), kGbRoster);
    {
        // An enrolled kiosk: it holds the deployment's subject secret (issue 17), without which
        // a roster with ID numbers is refused at the kiosk.
        auto enrolled = doorpost::storage::Database::open(dir.file("kiosk.db"));
        REQUIRE(enrolled);
        REQUIRE(enrolled->setMeta("subject_secret", std::string(64, '5')));
    }
    const auto imported =
        runBinary("doorpost", db + "roster import --json " + dir.file("roster.csv"));
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);
    CHECK(nlohmann::json::parse(imported.out).at("imported") == 2);

    auto opened = doorpost::storage::Database::open(dir.file("kiosk.db"));
    REQUIRE(opened);
    doorpost::storage::RosterStore roster(*opened);
    auto first = roster.byCandidate("100100001");
    REQUIRE(first);
    REQUIRE(*first);
    CHECK((*first)->name == "张三");
    CHECK((*first)->session == "上午");
    auto second = roster.byCandidate("100100002");
    REQUIRE(second);
    REQUIRE(*second);
    CHECK((*second)->name == "李,四");
}

TEST_CASE("a roster in neither UTF-8 nor GB18030 is refused naming the line, nothing stored",
          "[cli][roster]") {
    TempDir dir;
    const std::string db = "--db " + dir.file("kiosk.db") + " ";
    // Line 3 holds a Latin-1 name: 0xE9 ('é') followed by a comma is no GB18030 character.
    write(dir.file("latin1.csv"), "100100001,Zhang,11010519491231002X,AM,101,07\n"
                                  "100100002,Li,440524188001010014,AM,101,08\n"
                                  "100100003,Ren\xE9,E12345678,AM,102,01\n");
    const auto refused = runBinary("doorpost", db + "roster import " + dir.file("latin1.csv"));
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err,
               Catch::Contains("line 3") && Catch::Contains("neither UTF-8 nor GB18030"));
    CHECK(refused.err.find('\n') == refused.err.size() - 1); // one line
    if (std::filesystem::exists(dir.file("kiosk.db"))) {
        auto opened = doorpost::storage::Database::open(dir.file("kiosk.db"));
        REQUIRE(opened);
        auto info = doorpost::storage::RosterStore(*opened).info();
        REQUIRE(info);
        CHECK_FALSE(info->has_value()); // no roster at all: not a partial one
    }

    // The central refuses the same file the same way.
    const std::string central = "--data-dir " + dir.file("central") + " ";
    REQUIRE(runBinary("doorpost-central", central + "keys").exitCode == 0);
    write(dir.file("latin1-ids.csv"), "candidate_number,name,id_number,session,room,seat\n"
                                      "100100003,Ren\xE9,E12345678,AM,102,01\n");
    const auto atCentral =
        runBinary("doorpost-central", central + "roster import " + dir.file("latin1-ids.csv"));
    CHECK(atCentral.exitCode == 2);
    CHECK_THAT(atCentral.err, Catch::Contains("line 2") && Catch::Contains("neither UTF-8"));
}

TEST_CASE("export refuses impossible dates with a one-line error and writes nothing",
          "[cli][export]") {
    TempDir dir;
    const std::string db = "--db " + dir.file("kiosk.db") + " ";
    for (const char* from : {"2026-02-31", "2026-02-29", "2026-13-01", "2026-12-07T25:00:00Z"}) {
        INFO(from);
        const auto ran = runBinary("doorpost", db + "export --from " + std::string(from) +
                                                   " --to 2027-01-01 --out " + dir.file("out"));
        CHECK(ran.exitCode == 2);
        CHECK_THAT(ran.err, Catch::Contains("--from"));
        CHECK(ran.err.find('\n') == ran.err.size() - 1);
        CHECK_FALSE(std::filesystem::exists(dir.file("out")));
    }
}
