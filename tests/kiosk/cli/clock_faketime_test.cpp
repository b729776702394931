// The device clock as a trust input (issue 20, docs/clock.md), on the real binaries with the
// wall clock faked by libfaketime (Debian `faketime`) under LD_PRELOAD. CLOCK_MONOTONIC and
// CLOCK_BOOTTIME stay real (FAKETIME_DONT_FAKE_MONOTONIC=1): a reset or stepped RTC moves the
// wall clock only. A reboot is played with DOORPOST_BOOT_ID_FILE (another boot id). In the
// ASan build the ASan runtime comes first in LD_PRELOAD, as for the other preloads.
//
// Each `doorpost` command is its own process; the kiosk's evidence (log, anchors) lives in its
// database, so a sequence of commands in one boot is what a running kiosk sees over time.

#include "tests/support/child_process.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using doorpost::test::CentralProcess;
using doorpost::test::runCommand;
using doorpost::test::TempDir;

namespace {

constexpr std::int64_t kYearMs = 365LL * 86'400'000;

std::string bin(const char* name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The environment of a doorpost process whose wall clock reads `faketime` (libfaketime's
// FAKETIME: "@2020-01-01 09:00:00" starts there and runs on, "+730d" is an offset). Empty: the
// real clock. `bootIdFile`: another boot.
std::string env(const std::string& faketime, const std::string& bootIdFile = "") {
    std::string out;
    if (!faketime.empty())
        out += "LD_PRELOAD='" DOORPOST_ASAN_PRELOAD DOORPOST_FAKETIME_LIB "' FAKETIME='" +
               faketime + "' FAKETIME_DONT_FAKE_MONOTONIC=1 ";
    if (!bootIdFile.empty())
        out += "DOORPOST_BOOT_ID_FILE='" + bootIdFile + "' ";
    return out;
}

// The IDs of the roster's candidates 100100001 and 100100003.
const char* kZhang = "11010519491231002X";
const char* kWang = "110105199003071239";

struct Kiosk {
    TempDir dir;
    std::string db = dir.file("kiosk.db");
    std::string central = dir.file("central");

    doorpost::test::CommandRun doorpost(const std::string& environment, const std::string& args) {
        auto run = runCommand(environment + bin("doorpost") + " --db " + db + " " + args);
        INFO(args << "\n" << run.out << run.err);
        return run;
    }

    nlohmann::json json(const std::string& environment, const std::string& args, int exitCode = 0) {
        const auto run = doorpost(environment, args);
        INFO(args << "\n" << run.out << run.err);
        REQUIRE(run.exitCode == exitCode);
        std::istringstream lines(run.out);
        nlohmann::json last;
        for (std::string line; std::getline(lines, line);)
            if (!line.empty() && line.front() == '{')
                last = nlohmann::json::parse(line);
        return last;
    }

    nlohmann::json scan(const std::string& environment, const std::string& text) {
        return json(environment, "scan --json --text '" + text + "'");
    }

    // A pass for `subjectId`, issued by a central whose clock reads `faketime` (libfaketime;
    // empty: the real time), valid 8 hours.
    std::string issuePass(const std::string& subjectId, const std::string& faketime = "") {
        const auto run = runCommand(env(faketime) + bin("doorpost-central") + " --data-dir " +
                                    central + " issue-pass --subject-id " + subjectId +
                                    " --status green --valid-hours 8 --text");
        REQUIRE(run.exitCode == 0);
        std::string text = run.out;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
            text.pop_back();
        REQUIRE(text.rfind("DP1:", 0) == 0);
        return text;
    }

    // Issuer keys, the deployment's subject secret, a roster of three candidates: the door of
    // an exam site, set up at the real time.
    void setUp() {
        REQUIRE(runCommand(bin("doorpost-central") + " --data-dir " + central + " keys").exitCode ==
                0);
        REQUIRE(doorpost("", "trust add-key " + central + "/keys/public-keys.json").exitCode == 0);
        issuePass(kZhang); // the central makes the deployment's subject secret on first need
        const auto secret = runCommand("sqlite3 " + central +
                                       "/central.db \"SELECT value FROM central_secrets"
                                       " WHERE name = 'subject_secret'\"");
        REQUIRE(secret.out.size() >= 64);
        REQUIRE(
            runCommand("sqlite3 " + db +
                       " \"INSERT OR REPLACE INTO meta (key, value) VALUES ('subject_secret', '" +
                       secret.out.substr(0, 64) + "')\"")
                .exitCode == 0);
        std::ofstream(dir.file("roster.csv")) << "100100001,张三,11010519491231002X,AM,101,07\n"
                                                 "100100002,李四,440524188001010014,AM,101,08\n"
                                                 "100100003,王五,110105199003071239,AM,101,09\n";
        REQUIRE(doorpost("", "roster import " + dir.file("roster.csv")).exitCode == 0);
    }

    // Every line of an export's events.jsonl.
    std::vector<nlohmann::json> exported(const std::string& environment) {
        const std::string out = dir.file("audit-" + std::to_string(nowMs()));
        const auto run =
            doorpost(environment, "export --from 2019-01-01 --to 2031-01-01 --out " + out);
        REQUIRE(run.exitCode == 0);
        std::ifstream in(out + "/events.jsonl");
        std::vector<nlohmann::json> events;
        for (std::string line; std::getline(in, line);)
            events.push_back(nlohmann::json::parse(line));
        const auto verified = runCommand(bin("doorpost") + " verify-export " + out + " --json");
        INFO(verified.out << verified.err);
        CHECK(verified.exitCode == 0);
        std::ifstream report(out + "/report.html");
        std::stringstream html;
        html << report.rdbuf();
        lastReport = html.str();
        lastCsv = readBack(out);
        return events;
    }
    std::string lastReport;
    // events.csv and events.xlsx of the last export, each as rows of {column: value}.
    nlohmann::json lastCsv;

    // Python's csv module (as Excel reads the file) and openpyxl (the workbook); the rows come
    // back as {"csv": [...], "xlsx": [...]}, the workbook's columns named by their English line.
    nlohmann::json readBack(const std::string& out) {
        std::ofstream(dir.file("read_back.py"))
            << "import csv, json, sys, openpyxl\n"
               "with open(sys.argv[1] + '/events.csv', encoding='utf-8-sig', newline='') as f:\n"
               "    rows = list(csv.DictReader(f, strict=True))\n"
               "ws = openpyxl.load_workbook(sys.argv[1] + '/events.xlsx').worksheets[0]\n"
               "header = [c.value.split('\\n')[1] for c in ws[1]]\n"
               "cells = [dict(zip(header, [c.value for c in r])) for r in "
               "ws.iter_rows(min_row=2)]\n"
               "print(json.dumps({'csv': rows, 'xlsx': cells}, ensure_ascii=False, "
               "default=str))\n";
        // Debian's python3-openpyxl belongs to the system interpreter.
        const auto run = runCommand("/usr/bin/python3 " + dir.file("read_back.py") + " " + out);
        INFO(run.out << run.err);
        REQUIRE(run.exitCode == 0);
        return nlohmann::json::parse(run.out);
    }
};

bool hasReason(const nlohmann::json& verdict, const char* code) {
    const auto& reasons = verdict["reasons"];
    return std::find(reasons.begin(), reasons.end(), code) != reasons.end();
}

nlohmann::json detailOf(const nlohmann::json& event) {
    return nlohmann::json::parse(event["detail"].get<std::string>());
}

const char* kRtcReset = "@2020-01-01 09:00:00";

std::string isoUtc(std::int64_t seconds) {
    char text[32];
    const std::time_t t = seconds;
    std::tm utc{};
    gmtime_r(&t, &utc);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace

TEST_CASE("the RTC reset to 2020 after a day of events: no clock-caused DENY, the chip red, "
          "REFER where time decides, ADMIT for a roster ticket",
          "[clock][faketime]") {
    Kiosk kiosk;
    kiosk.setUp();
    // Issued later in the day than the door's last event (the central's clock two hours on),
    // to a candidate not admitted yet.
    const std::string pass = kiosk.issuePass(kWang, "+2h");
    // The day's events at the real time (2026): the clock is ok and says so.
    const auto first = kiosk.scan("", "100100001");
    CHECK(first["verdict"] == "ADMIT");
    CHECK(first["clock"]["state"] == "ok");
    CHECK(kiosk.json("", "status --json")["clock"]["state"] == "ok");

    // Then the battery is flat and the RTC says 2020.
    const std::string rtc = env(kRtcReset);
    const auto status = kiosk.json(rtc, "status --json");
    CHECK(status["clock"]["state"] == "suspect");
    CHECK(status["clock"]["basis"] == "last_event");
    CHECK(status["clock"]["floor"] == true);
    CHECK(status["clock"]["offset_ms"].get<std::int64_t>() > 6 * kYearMs);
    CHECK(status["clock"]["wall"].get<std::string>().rfind("2020-01-01", 0) == 0);
    CHECK(status["clock"]["wall_back_ms"].get<std::int64_t>() > 6 * kYearMs);

    // A freshly issued pass: not yet valid by the RTC, and the floor cannot say otherwise.
    const auto byPass = kiosk.scan(rtc, pass);
    CHECK(byPass["verdict"] == "REFER");
    CHECK(byPass["reasons"][0] == "device_clock_wrong");
    CHECK(hasReason(byPass, "pass_not_yet_valid"));
    CHECK(byPass["clock"]["state"] == "suspect");

    // A roster ticket does not hinge on the time: admitted, the clock named beside it.
    const auto ticket = kiosk.scan(rtc, "100100002");
    CHECK(ticket["verdict"] == "ADMIT");
    CHECK(ticket["reasons"][0] == "ticket_valid");
    CHECK(hasReason(ticket, "device_clock_wrong"));
    // The re-entry window is judged at the floor: the first candidate is still inside it.
    const auto again = kiosk.scan(rtc, "100100001");
    CHECK(again["verdict"] == "REFER");
    CHECK(again["reasons"][0] == "already_admitted");
    // Nothing is denied for the clock: a ticket off the roster is denied for that alone.
    const auto stranger = kiosk.scan(rtc, "100199999");
    CHECK(stranger["verdict"] == "DENY");
    CHECK(stranger["reasons"][0] == "not_on_roster");

    // The door screen: a red clock chip, and the same REFER for the pass.
    std::ofstream(kiosk.dir.file("door.script")) << "wait-for clock suspect 20000\n"
                                                    "expect clock_chip_red true\n"
                                                    "scan " +
                                                        pass +
                                                        "\n"
                                                        "wait-for verdict refer 20000\n"
                                                        "screenshot " +
                                                        kiosk.dir.file("clock.png") + "\n";
    const auto door = kiosk.json(rtc, "run --headless --no-sound --no-usb --lang en --json"
                                      " --script " +
                                          kiosk.dir.file("door.script"));
    CHECK(door["clock"] == "suspect");
    CHECK(door["clock_chip_red"] == true);
    CHECK(door["verdict_reasons"][0] == "device_clock_wrong");

    // The log is honest: every event carries the clock, and the jump back is recorded.
    const auto events = kiosk.exported("");
    REQUIRE(events.size() >= 6);
    CHECK(detailOf(events[0])["clock"]["state"] == "ok");
    const auto jumped = detailOf(events[1]);
    CHECK(jumped["clock"]["state"] == "suspect");
    CHECK(jumped["clock"]["wall_back_ms"].get<std::int64_t>() > 6 * kYearMs);
    for (const auto& event : events)
        CHECK(detailOf(event).contains("clock"));
    CHECK(kiosk.lastReport.find("wall time back") != std::string::npos);

    // The export carries them: events.csv and events.xlsx, row for row with events.jsonl.
    const auto& csv = kiosk.lastCsv["csv"];
    const auto& xlsx = kiosk.lastCsv["xlsx"];
    REQUIRE(csv.size() == events.size());
    REQUIRE(xlsx.size() == events.size());
    CHECK(csv[0]["clock_state"] == "ok");
    CHECK_FALSE(csv[0]["clock_offset_ms"].get<std::string>().empty());
    CHECK(csv[0]["clock_wall_back_ms"] == "");
    CHECK(csv[1]["clock_state"] == "suspect");
    CHECK(std::stoll(csv[1]["clock_offset_ms"].get<std::string>()) ==
          jumped["clock"]["offset_ms"].get<std::int64_t>());
    CHECK(std::stoll(csv[1]["clock_offset_ms"].get<std::string>()) > 6 * kYearMs);
    CHECK(csv[1]["clock_floor"] == "true");
    CHECK(std::stoll(csv[1]["clock_wall_back_ms"].get<std::string>()) > 6 * kYearMs);
    CHECK(xlsx[1]["clock state"] == "suspect");
    CHECK(xlsx[1]["clock offset (ms)"].get<std::int64_t>() ==
          jumped["clock"]["offset_ms"].get<std::int64_t>());
    CHECK(xlsx[1]["estimate is a floor"] == "true");
    CHECK(xlsx[1]["wall time back (ms)"].get<std::int64_t>() > 6 * kYearMs);
    for (std::size_t i = 0; i < events.size(); ++i)
        CHECK(csv[i]["clock_state"] == detailOf(events[i])["clock"]["state"]);
}

TEST_CASE("a sync anchors the time for the boot: the RTC two years ahead expires nothing, a "
          "sync corrects a reset clock, and after a reboot the floor of the last event holds",
          "[clock][faketime]") {
    Kiosk kiosk;
    CentralProcess central(kiosk.central + "/central.db", 0, kiosk.central);
    kiosk.setUp();
    central.start();
    const std::string token = central.enroll("door-1");
    const auto sync = [&](const std::string& environment) {
        const auto run = kiosk.doorpost(environment, "sync --central " + central.url() +
                                                         " --token " + token + " --once --json");
        INFO(run.out << run.err);
        REQUIRE(run.exitCode == 0);
    };
    sync(""); // enrols, pulls the keys set, anchors the time in this boot
    const std::string pass = kiosk.issuePass(kZhang);
    CHECK(kiosk.scan("", pass)["verdict"] == "ADMIT");

    SECTION("the RTC jumps two years forward: the anchor holds, nothing is expired") {
        const std::string ahead = env("+730d");
        const auto status = kiosk.json(ahead, "status --json");
        CHECK(status["clock"]["state"] == "suspect");
        CHECK(status["clock"]["basis"] == "sync");
        CHECK_FALSE(status["clock"].contains("floor"));
        CHECK(status["clock"]["offset_ms"].get<std::int64_t>() < -(kYearMs * 2 - 86'400'000));
        // A pass of the other candidate, valid 8 hours: by the wall clock long expired, and so
        // would the trust data be; by the anchor neither.
        const auto other = kiosk.scan(ahead, "100100002");
        CHECK(other["verdict"] == "ADMIT");
        CHECK_FALSE(hasReason(other, "trust_data_expired"));
        CHECK_FALSE(hasReason(other, "trust_data_stale"));
        const auto byPass = kiosk.scan(ahead, pass); // the same holder: re-entry, not expiry
        CHECK(byPass["verdict"] == "REFER");
        CHECK(byPass["reasons"][0] == "already_admitted");
        CHECK_FALSE(hasReason(byPass, "pass_expired"));
    }

    SECTION("a sync corrects a reset clock; after a reboot without network the floor holds") {
        const std::string rtc = env(kRtcReset);
        // Before any anchor of a reset clock's own making: the sync of this boot already
        // gives the time, so the pass is admitted at the estimate.
        auto status = kiosk.json(rtc, "status --json");
        CHECK(status["clock"]["basis"] == "sync");
        sync(rtc); // the central's Date header, measured by a kiosk that thinks it is 2020
        status = kiosk.json(rtc, "status --json");
        CHECK(status["clock"]["state"] == "suspect");
        CHECK(status["clock"]["basis"] == "sync");
        CHECK(std::llabs(status["clock"]["offset_ms"].get<std::int64_t>() -
                         (nowMs() - 1'577'869'200'000)) < 3'600'000);
        const auto admitted = kiosk.scan(rtc, "100100003");
        CHECK(admitted["verdict"] == "ADMIT");
        CHECK_FALSE(hasReason(admitted, "device_clock_wrong")); // exact: no floor

        // The RTC is right again (timesyncd): ok, with nothing to fight.
        CHECK(kiosk.json("", "status --json")["clock"]["state"] == "ok");

        // Reboot: another boot id, the RTC reset again, no network. The anchor is of the old
        // boot, so only floors are left: the last event and the central's last Date.
        std::ofstream(kiosk.dir.file("boot_id")) << "0b5e55ed-0000-4000-8000-000000000002\n";
        const std::string rebooted = env(kRtcReset, kiosk.dir.file("boot_id"));
        const std::int64_t before = nowMs();
        status = kiosk.json(rebooted, "status --json");
        CHECK(status["clock"]["state"] == "suspect");
        CHECK(status["clock"]["floor"] == true);
        CHECK(status["clock"]["boot_id"] == "0b5e55ed-0000-4000-8000-000000000002");
        // Not earlier than the last event written (a moment ago, at the real time).
        const auto events = kiosk.exported("");
        std::int64_t lastWall = 0; // the latest wall time written (events of 2020 are earlier)
        for (const auto& event : events)
            lastWall = std::max(lastWall, event["wall_time_ms"].get<std::int64_t>());
        CHECK(lastWall <= before);
        CHECK(status["clock"]["estimate"].get<std::string>() >= isoUtc(lastWall / 1000));
        // A pass issued later that day: the floor cannot tell, staff look; never a DENY.
        const auto rebootedPass = kiosk.scan(rebooted, kiosk.issuePass(kWang, "+2h"));
        CHECK(rebootedPass["verdict"] == "REFER");
        CHECK(rebootedPass["reasons"][0] == "device_clock_wrong");
        const auto recorded = kiosk.exported("");
        const auto detail = detailOf(recorded.back());
        CHECK(detail["clock"]["floor"] == true);
        CHECK(detail["clock"]["estimate"].get<std::string>() >= isoUtc(lastWall / 1000));
        CHECK(recorded.back()["boot_id"] == "0b5e55ed-0000-4000-8000-000000000002");
    }
}

TEST_CASE("staff set the time: recorded as an event, the estimate follows, the export shows it",
          "[clock][faketime]") {
    Kiosk kiosk;
    kiosk.setUp();
    const std::string pass = kiosk.issuePass(kWang, "+2h");
    CHECK(kiosk.scan("", "100100001")["verdict"] == "ADMIT");
    const std::string rtc = env(kRtcReset);
    CHECK(kiosk.scan(rtc, pass)["reasons"][0] == "device_clock_wrong");

    // A bad time is bad input and records nothing.
    const auto bad = kiosk.doorpost(rtc, "clock set --time yesterday --operator op1");
    CHECK(bad.exitCode == 2);
    const auto early = kiosk.doorpost(rtc, "clock set --time 2020-01-01T09:00:00Z --operator op1");
    CHECK(early.exitCode == 2);

    // Staff read the time off their phone.
    // Staff read the time off their phone (here: three hours on, when the pass is valid).
    const auto set = kiosk.json(rtc, "clock set --json --operator op1 --time " +
                                         isoUtc(nowMs() / 1000 + 3 * 3600));
    CHECK(set["before"]["state"] == "suspect");
    CHECK(set["after"]["state"] == "suspect"); // the RTC is still wrong...
    CHECK(set["after"]["basis"] == "staff");   // ...but the time is known
    CHECK_FALSE(set["after"].contains("floor"));

    const auto admitted = kiosk.scan(rtc, pass);
    CHECK(admitted["verdict"] == "ADMIT");

    const auto events = kiosk.exported("");
    const auto it = std::find_if(events.begin(), events.end(), [](const nlohmann::json& e) {
        return e["reasons"].size() == 1 && e["reasons"][0] == "clock_set";
    });
    REQUIRE(it != events.end());
    CHECK((*it)["kind"] == "operator");
    CHECK((*it)["operator"] == "op1");
    CHECK(detailOf(*it)["action"] == "clock_set");
    CHECK(detailOf(*it)["offset_ms"].get<std::int64_t>() > 6 * kYearMs);
    CHECK(kiosk.lastReport.find("clock_set (op1)") != std::string::npos);
    // In the spreadsheet views too: the row of clock_set, with the clock it was set from.
    const auto seq = std::to_string((*it)["seq"].get<std::int64_t>());
    bool found = false;
    for (const auto& row : kiosk.lastCsv["csv"]) {
        if (row["seq"] != seq)
            continue;
        found = true;
        CHECK(row["reasons"] == "clock_set");
        CHECK(row["operator"] == "op1");
        CHECK(row["clock_state"] == "suspect");
        CHECK(row["clock_floor"] == "true");
    }
    CHECK(found);
}

TEST_CASE("the RTC resets while the door runs: the step is noticed, the chip turns red and a "
          "pass that time decides is referred, not denied",
          "[clock][faketime]") {
    Kiosk kiosk;
    kiosk.setUp();
    const std::string pass = kiosk.issuePass(kWang, "+2h");
    CHECK(kiosk.scan("", "100100001")["verdict"] == "ADMIT");

    // libfaketime reads its setting from this file (at most a second old): the real time
    // first, then, once the door shows an ok clock, the reset RTC.
    const std::string timestamp = kiosk.dir.file("faketime");
    std::ofstream(timestamp) << "+0\n";
    const std::string signal = kiosk.dir.file("clock-ok.png");
    std::ofstream(kiosk.dir.file("door.script")) << "wait-for clock ok 30000\n"
                                                    "screenshot " +
                                                        signal +
                                                        "\n"
                                                        "wait-for clock suspect 30000\n"
                                                        "expect clock_chip_red true\n"
                                                        "scan " +
                                                        pass +
                                                        "\n"
                                                        "wait-for verdict refer 30000\n";
    const std::string log = kiosk.dir.file("door.log");
    const pid_t door = doorpost::test::spawnProcess(
        {"/bin/sh", "-c",
         "LD_PRELOAD='" DOORPOST_ASAN_PRELOAD DOORPOST_FAKETIME_LIB "' FAKETIME_TIMESTAMP_FILE='" +
             timestamp + "' FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 exec " +
             bin("doorpost") + " --db " + kiosk.db +
             " run --headless --no-sound --no-usb --lang en --json --script " +
             kiosk.dir.file("door.script")},
        log);
    // The door has drawn its ok clock: now the battery goes.
    for (int i = 0; i < 600 && !std::filesystem::exists(signal); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(std::filesystem::exists(signal));
    std::ofstream(timestamp) << "@2020-01-01 09:00:00\n";
    const int status = doorpost::test::waitProcess(door);
    std::ifstream in(log);
    nlohmann::json last;
    std::string all;
    for (std::string line; std::getline(in, line);) {
        all += line + "\n";
        if (!line.empty() && line.front() == '{')
            last = nlohmann::json::parse(line, nullptr, false);
    }
    INFO(all);
    REQUIRE(status == 0);
    CHECK(last["clock"] == "suspect");
    CHECK(last["clock_chip_red"] == true);
    CHECK(last["verdict_reasons"][0] == "device_clock_wrong");
}
