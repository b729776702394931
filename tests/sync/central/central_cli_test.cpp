// The central's operator commands through the binary, each with --json (one object per line):
// keys, enroll, roster import and compact, deny add and remove, stats, devices list and revoke.
// What each prints is checked against what the next command (or the store) then shows.

#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace doorpost::test;

namespace {

struct Central {
    TempDir dir;
    CommandRun run(const std::string& arguments) const {
        return runBinary("doorpost-central", "--data-dir " + dir.path().string() + " " + arguments);
    }
    // Runs and parses every stdout line as JSON; REQUIREs exit 0.
    std::vector<nlohmann::json> json(const std::string& arguments) const {
        const CommandRun result = run(arguments);
        INFO(arguments << "\n" << result.out << result.err);
        REQUIRE(result.exitCode == 0);
        std::vector<nlohmann::json> lines;
        std::istringstream in(result.out);
        for (std::string line; std::getline(in, line);) {
            auto parsed = nlohmann::json::parse(line, nullptr, false);
            REQUIRE(!parsed.is_discarded());
            lines.push_back(std::move(parsed));
        }
        return lines;
    }
};

} // namespace

TEST_CASE("central operator commands print JSON that matches what the central then holds",
          "[sync][central][cli]") {
    Central central;
    const auto keys = central.json("keys --json");
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["active"] == true);
    CHECK(!keys[0]["kid"].get<std::string>().empty());
    const auto rotated = central.json("keys --rotate --json");
    CHECK(rotated.size() == 2);

    const auto enrolled = central.json("enroll door-1 --json");
    REQUIRE(enrolled.size() == 1);
    CHECK(enrolled[0]["device"] == "door-1");
    CHECK(enrolled[0]["token"].get<std::string>().rfind("dpt_", 0) == 0);
    const CommandRun again = central.run("enroll door-1 --json");
    CHECK(again.exitCode == 2);
    CHECK(again.err.find("already enrolled") != std::string::npos);
    central.json("enroll door-2 --json");
    central.json("enroll operator-ops --json");

    {
        std::ofstream csv(central.dir.file("site.csv"));
        csv << "candidate_number,name,session,room,seat\n100100001,Li Lei,am,A,1\n"
               "100100002,Han Meimei,am,A,2\n";
    }
    const auto imported = central.json("roster import " + central.dir.file("site.csv") + " --json");
    REQUIRE(imported.size() == 1);
    CHECK(imported[0]["items"] == 2);
    CHECK(imported[0]["version"] == 2);
    {
        std::ofstream csv(central.dir.file("site.csv"));
        csv << "candidate_number,name,session,room,seat\n100100001,Li Lei,am,A,1\n";
    }
    const auto replaced =
        central.json("roster import " + central.dir.file("site.csv") + " --replace --json");
    CHECK(replaced[0]["version"] == 3); // one tombstone
    const auto compacted = central.json("roster compact --json");
    REQUIRE(compacted.size() == 1);
    CHECK(compacted[0] == nlohmann::json{{"set", "roster"}, {"compacted", true}});

    const auto denied = central.json("deny add pass-9 --reason lost --revoked-at-ms 1000 --json");
    REQUIRE(denied.size() == 1);
    CHECK(denied[0]["denied"] == "pass-9");
    CHECK(denied[0]["revoked_at_ms"] == 1000);
    CHECK(denied[0]["version"] == 1);
    const auto lifted = central.json("deny remove pass-9 --json");
    CHECK(lifted[0]["lifted"] == "pass-9");
    CHECK(lifted[0]["version"] == 2);

    const auto revoked = central.json("devices revoke door-2 --reason retired --json");
    REQUIRE(revoked.size() == 1);
    CHECK(revoked[0]["revoked"] == true);
    CHECK(revoked[0]["revoked_ms"].get<std::int64_t>() > 0);
    const CommandRun unknown = central.run("devices revoke door-9");
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.err.find("no device door-9") != std::string::npos);

    const auto devices = central.json("devices list --json");
    REQUIRE(devices.size() == 3);
    CHECK(devices[0]["device"] == "door-1");
    CHECK(devices[0]["state"] == "quiet"); // enrolled, never heard from
    CHECK(devices[0]["seconds_since_contact"].is_null());
    CHECK(devices[1]["device"] == "door-2");
    CHECK(devices[1]["state"] == "revoked");
    CHECK(devices[1]["revoke_reason"] == "retired");
    CHECK(devices[2]["role"] == "operator");

    const auto stats = central.json("stats --json --quiet-after 60");
    REQUIRE(stats.size() == 1);
    CHECK(stats[0]["devices"] == 3);
    CHECK(stats[0]["events"] == 0);
    CHECK(stats[0]["quiet_after_s"] == 60);
    REQUIRE(stats[0]["quiet"].size() == 1);
    CHECK(stats[0]["quiet"][0]["device"] == "door-1");
    REQUIRE(stats[0]["revoked"].size() == 1);
    CHECK(stats[0]["revoked"][0]["device"] == "door-2");

    const CommandRun badSet = central.run("roster compact --set passwords --json");
    CHECK(badSet.exitCode == 2);
    CHECK(badSet.err.find("unknown set passwords") != std::string::npos);
}
