// Staff set the time on the staff screen (issue 20, docs/clock.md), in the real kiosk
// (`doorpost run --headless`, SDL's offscreen driver) as staff use it: PIN, Set time, the
// steppers prefilled with the estimate, Set. The same operator event as `doorpost clock set`
// (clock_set) is recorded, the clock chip and the status follow, and the export shows it. The
// RTC is reset by libfaketime (Debian `faketime`) in LD_PRELOAD, the ASan runtime first in an
// instrumented build; CLOCK_MONOTONIC and CLOCK_BOOTTIME stay real.
#include "kiosk/gate/roster_csv.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/base/local_time.hpp"
#include "storage/database.hpp"
#include "storage/roster_store.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sodium.h>
#include <sstream>
#include <string>
#include <vector>

using namespace doorpost;

namespace {

constexpr const char* kSecretHex =
    "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
constexpr const char* kTicket = "2021110100731";
constexpr std::int64_t kYearMs = 365LL * 86'400'000;

std::string bin() {
    return std::string(DOORPOST_BIN_DIR) + "/doorpost";
}

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An exam door with a roster of one, set up at the real time.
void prepareKiosk(const std::string& dbPath) {
    REQUIRE(sodium_init() >= 0);
    auto db = storage::Database::open(dbPath);
    REQUIRE(db.ok());
    REQUIRE(db.value().setMeta("subject_secret", kSecretHex).ok());
    auto roster =
        kiosk::gate::parseRosterCsv(std::string(kTicket) + ",张三,440524188001010014,am,101,07\n",
                                    *sync::pass::subjectSecretFromHex(kSecretHex));
    REQUIRE(roster.ok());
    storage::RosterStore store(db.value());
    const std::int64_t now = nowSeconds();
    REQUIRE(store.replace(roster.value(), {1, "test roster", now, now + 3600}).ok());
}

// Every `state` line the script printed, in order.
std::vector<nlohmann::json> stateLines(const std::string& out) {
    std::vector<nlohmann::json> states;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line.front() == '{')
            states.push_back(nlohmann::json::parse(line));
    return states;
}

// "2026-12-07 08:05" (the entry's local minute) back to seconds since 1970.
std::int64_t entrySeconds(const std::string& text) {
    LocalMinute local;
    REQUIRE(std::sscanf(text.c_str(), "%d-%d-%d %d:%d", &local.year, &local.month, &local.day,
                        &local.hour, &local.minute) == 5);
    return unixFromLocalMinute(local);
}

const char* kUnlock = "tap staff\n"
                      "tap pin_2\ntap pin_4\ntap pin_6\ntap pin_8\ntap pin_ok\n"
                      "wait-for screen staff 15000\n";

} // namespace

TEST_CASE("staff set the time on the staff screen: the steppers start at the estimate, the "
          "clock_set event is recorded, the chip and the status follow, the export shows it",
          "[clock][faketime]") {
    doorpost::test::TempDir dir;
    const std::string db = dir.file("kiosk.db");
    prepareKiosk(db);
    // A day of events at the real time (2026)...
    const auto admitted =
        doorpost::test::runCommand(bin() + " --db " + db + " scan --json --text " + kTicket);
    INFO(admitted.out << admitted.err);
    REQUIRE(admitted.exitCode == 0);
    const std::int64_t lastEvent = nowSeconds();

    // ...then the RTC says 2020. Staff open the time entry, step three hours on from the
    // estimate (the last event, only a floor) and set it.
    std::ofstream(dir.file("clock.script"))
        << "wait-for clock suspect 20000\n"
           "expect clock_chip_red true\n"
           "expect clock_floor true\n"
        << kUnlock
        << "tap clock_set_open\n"
           "state\n"
           "tap clock_hour_plus\ntap clock_hour_plus\ntap clock_hour_plus\n"
           "tap clock_minute_plus\ntap clock_minute_minus\n"
           "state\n"
           "screenshot "
        << dir.file("entry.png")
        << "\n"
           "tap clock_set\n"
           "wait-for staff_result ok 20000\n"
           "wait-for clock_floor false 20000\n"
           "state\n";
    const auto run = doorpost::test::runCommand(
        "LD_PRELOAD='" DOORPOST_ASAN_PRELOAD DOORPOST_FAKETIME_LIB
        "' FAKETIME='@2020-01-01 09:00:00' FAKETIME_DONT_FAKE_MONOTONIC=1 " +
        bin() + " --db " + db + " run --headless --no-sound --no-usb --lang en --json" +
        " --demo-pin 2468 --script " + dir.file("clock.script"));
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto states = stateLines(run.out);
    REQUIRE(states.size() >= 4); // three `state` lines and run --json's last one

    // Prefilled with the estimate: not earlier than the last event, to the minute.
    const std::int64_t prefilled = entrySeconds(states[0]["clock_entry"].get<std::string>());
    CHECK(prefilled >= lastEvent / 60 * 60 - 60);
    CHECK(prefilled <= nowSeconds());
    const std::int64_t chosen = entrySeconds(states[1]["clock_entry"].get<std::string>());
    CHECK(chosen == prefilled + 3 * 3600);

    // After Set: the RTC is still wrong, so the chip stays red, but the time is now known
    // (exact, no longer a floor) and it is the time staff gave.
    const auto& after = states[2];
    CHECK(after["staff_toast"].get<std::string>().find("Clock set to ") == 0);
    CHECK(after["clock"] == "suspect");
    CHECK(after["clock_chip_red"] == true);
    CHECK(after["clock_floor"] == false);
    const std::int64_t estimate = parseIsoTime(after["clock_estimate"].get<std::string>()).value();
    CHECK(estimate >= chosen);
    CHECK(estimate < chosen + 120);
    CHECK(after["clock_offset_ms"].get<std::int64_t>() > 6 * kYearMs);

    // Recorded as `doorpost clock set` records it, and visible in the export.
    const std::string out = dir.file("audit");
    const auto exported = doorpost::test::runCommand(
        bin() + " --db " + db + " export --from 2019-01-01 --to 2031-01-01 --out " + out);
    INFO(exported.out << exported.err);
    REQUIRE(exported.exitCode == 0);
    std::ifstream jsonl(out + "/events.jsonl");
    nlohmann::json set;
    for (std::string line; std::getline(jsonl, line);) {
        const auto event = nlohmann::json::parse(line);
        if (event["reasons"] == nlohmann::json::array({"clock_set"}))
            set = event;
    }
    REQUIRE(set.is_object());
    CHECK(set["kind"] == "operator");
    CHECK(set["operator"] == "staff");
    const auto detail = nlohmann::json::parse(set["detail"].get<std::string>());
    CHECK(detail["action"] == "clock_set");
    CHECK(detail["set_to"] == formatIsoTime(chosen));
    CHECK(detail["clock"]["state"] == "suspect");
    CHECK(detail["clock"]["floor"] == true);
    // events.csv: the row of clock_set ends with the clock it was set from (suspect, the
    // offset, only a floor, the wall clock six years back).
    std::ifstream csv(out + "/events.csv");
    bool row = false;
    for (std::string line; std::getline(csv, line);) {
        if (line.find(",clock_set,staff,") == std::string::npos)
            continue;
        row = true;
        CHECK(std::regex_search(line, std::regex(",suspect,[0-9]{12},true,[0-9]{12}\r$")));
    }
    CHECK(row);
    const auto verified = doorpost::test::runCommand(bin() + " verify-export " + out);
    INFO(verified.out << verified.err);
    CHECK(verified.exitCode == 0);
}

TEST_CASE("staff set the time on the staff screen while the clock is ok: the chip turns red") {
    doorpost::test::TempDir dir;
    const std::string db = dir.file("kiosk.db");
    prepareKiosk(db);
    // An hour ahead of the kiosk's (right) clock: the kiosk now trusts staff's word over its
    // clock for this boot, and says so.
    std::ofstream(dir.file("clock.script")) << "wait-for clock ok 20000\n"
                                               "expect clock_chip_red false\n"
                                            << kUnlock
                                            << "tap clock_set_open\n"
                                               "tap clock_hour_plus\n"
                                               "state\n"
                                               "tap clock_set\n"
                                               "wait-for staff_result ok 20000\n"
                                               "wait-for clock suspect 20000\n"
                                               "state\n";
    const auto run = doorpost::test::runCommand(
        bin() + " --db " + db + " run --headless --no-sound --no-usb --lang en --json" +
        " --demo-pin 2468 --script " + dir.file("clock.script"));
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto states = stateLines(run.out);
    REQUIRE(states.size() >= 2);
    const std::int64_t chosen = entrySeconds(states[0]["clock_entry"].get<std::string>());
    CHECK(states[1]["clock_chip_red"] == true);
    CHECK(states[1]["clock_floor"] == false);
    const std::int64_t offset = states[1]["clock_offset_ms"].get<std::int64_t>();
    CHECK(offset > 3'600'000 - 120'000);
    CHECK(offset <= 3'600'000);
    CHECK(std::llabs(parseIsoTime(states[1]["clock_estimate"].get<std::string>()).value() -
                     chosen) < 120);
}
