// The credential commands as scripts use them: exit codes, one JSON object per line, and
// "bad input records nothing".

#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Run {
    int exitCode = -1;
    std::vector<std::string> lines; // stdout, one entry per line
    std::string err;                // the first line of stderr
};

Run run(const std::string& binary, const std::string& arguments) {
    const auto ran = doorpost::test::runBinary(binary, arguments);
    Run result;
    result.exitCode = ran.exitCode;
    std::istringstream out(ran.out);
    for (std::string line; std::getline(out, line);)
        result.lines.push_back(line);
    std::istringstream err(ran.err);
    std::getline(err, result.err);
    return result;
}

} // namespace

TEST_CASE("scan, register, trust and roster from the command line", "[cli][credentials]") {
    doorpost::test::TempDir dir;
    const std::string central = "--data-dir " + dir.file("central") + " ";
    const std::string db = "--db " + dir.file("kiosk.db") + " ";
    REQUIRE(run("doorpost-central", central + "keys").exitCode == 0);
    const auto issued =
        run("doorpost-central", central +
                                    "issue-pass --subject-id 11010519491231002X --status green "
                                    "--valid-hours 1 --out " +
                                    dir.file("pass.png"));
    REQUIRE(issued.exitCode == 0);
    REQUIRE(run("doorpost", db + "trust add-key " + dir.file("central/keys/public-keys.json"))
                .exitCode == 0);
    // The deployment's subject secret, which a kiosk gets at enrolment (the real enrolment:
    // tests/kiosk/privacy), copied here from the central's store as enrolment hands it over.
    const auto secret = doorpost::test::runCommand(
        "sqlite3 " + dir.file("central/central.db") +
        " \"SELECT value FROM central_secrets WHERE name = 'subject_secret'\"");
    REQUIRE(secret.out.size() >= 64);
    REQUIRE(doorpost::test::runCommand("sqlite3 " + dir.file("kiosk.db") +
                                       " \"INSERT OR REPLACE INTO meta (key, value) VALUES "
                                       "('subject_secret', '" +
                                       secret.out.substr(0, 64) + "')\"")
                .exitCode == 0);

    // A roster with a bad row: named with its line, nothing imported.
    {
        std::ofstream csv(dir.file("bad.csv"));
        csv << "candidate_number,name,id,session,room,seat\n"
               "100100001,张三,11010519491231002X,AM,101,07\n"
               "100100002,李四,440524188001010015,AM,101,08\n";
    }
    const auto bad = run("doorpost", db + "roster import " + dir.file("bad.csv"));
    CHECK(bad.exitCode == 2);
    CHECK_THAT(bad.err, Catch::Contains("line 3") && Catch::Contains("check character"));
    {
        std::ofstream csv(dir.file("good.csv"));
        csv << "100100001,张三,11010519491231002X,AM,101,07\n"
               "100100002,李四,440524188001010014,AM,101,08\n";
    }
    REQUIRE(run("doorpost", db + "roster import --json " + dir.file("good.csv")).exitCode == 0);
    const auto listed = run("doorpost", db + "trust list --json");
    REQUIRE(listed.exitCode == 0);
    int rosterLines = 0;
    for (const auto& line : listed.lines) {
        const auto json = nlohmann::json::parse(line);
        if (json["kind"] == "roster") {
            ++rosterLines;
            CHECK(json["count"] == 2);
        }
    }
    CHECK(rosterLines == 1);

    // Exam site: the pass's holder is on the roster; the image is decoded at the door.
    const auto scanned = run("doorpost", db + "scan --json " + dir.file("pass.png") +
                                             " --text 100100002 --text junk");
    REQUIRE(scanned.exitCode == 0);
    REQUIRE(scanned.lines.size() == 3);
    const auto first = nlohmann::json::parse(scanned.lines[0]);
    CHECK(first["verdict"] == "ADMIT");
    CHECK(first["credential"] == "dp1");
    CHECK(first["seq"] == 1);
    CHECK(first["checks"]["picture_decode"] == true);
    CHECK(first["checks"]["signature"] == true);
    CHECK(first["checks"]["key_usage"].is_null());
    for (const char* key : {"read", "credential", "verdict", "reasons", "seq", "checks"})
        CHECK(first.contains(key));
    const auto second = nlohmann::json::parse(scanned.lines[1]);
    CHECK(second["credential"] == "ticket");
    CHECK(second["verdict"] == "ADMIT");
    CHECK(nlohmann::json::parse(scanned.lines[2])["verdict"] == "REFER");

    // Manual registration: an invalid ID exits 2 and records nothing.
    const auto invalid = run("doorpost", db + "register --id-type resident --id 110105194902300028 "
                                              "--reason no_phone --operator op1 --json");
    CHECK(invalid.exitCode == 2);
    CHECK_THAT(invalid.err, Catch::Contains("impossible birth date"));
    const auto manual = run("doorpost", db + "register --id-type resident --id 11010519491231002X "
                                             "--reason no_phone --operator op1 --json");
    REQUIRE(manual.exitCode == 0);
    const auto registered = nlohmann::json::parse(manual.lines.at(0));
    CHECK(registered["seq"] == 4);           // the invalid one took no seq
    CHECK(registered["verdict"] == "REFER"); // the pass already admitted this person
    CHECK(registered["reasons"][0] == "already_admitted");

    CHECK(run("doorpost", db + "scan --json --at yesterday --text x").exitCode == 2);
    CHECK_THAT(run("doorpost", db + "trust add-dsc " + dir.file("good.csv")).err,
               Catch::Contains("certificate"));
}
