// The staff screen's Sync now and Export for auditors in the real kiosk (`doorpost run`, the
// binary, as staff use it): a read admitted through the real gate, staff -> PIN -> Export into
// --export-dir, and the folder that appears verified by `doorpost verify-export` with the event
// the script recorded in it. Sync now without --central says so. Plus the destination and
// folder-naming rules on their own.
#include "kiosk/app/audit_export_child.hpp"
#include "kiosk/app/kiosk_staff.hpp"
#include "kiosk/gate/gate.hpp"
#include "kiosk/gate/roster_csv.hpp"
#include "kiosk/ui/staff_notice_text.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>
#include <sys/wait.h>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;
namespace fs = std::filesystem;

namespace {

// The deployment's subject secret of these tests (as enrolment hands it to a kiosk).
[[maybe_unused]] constexpr const char* kSiteSecretHex =
    "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
[[maybe_unused]] inline const doorpost::sync::pass::SubjectSecret kSiteSecret =
    *doorpost::sync::pass::subjectSecretFromHex(kSiteSecretHex);

constexpr const char* kTicket = "2021110100731";

// A kiosk database as a sync would have left it: the salt, the sealing key and a roster of one.
void prepareKiosk(const std::string& dbPath) {
    REQUIRE(sodium_init() >= 0);
    auto db = storage::Database::open(dbPath);
    REQUIRE(db.ok());
    REQUIRE(db.value().setMeta("subject_secret", kSiteSecretHex).ok());
    const std::int64_t now = kiosk::gate::wallClockSeconds();
    std::array<std::uint8_t, 32> sealPk{};
    std::array<std::uint8_t, 32> sealSk{};
    crypto_box_keypair(sealPk.data(), sealSk.data());
    storage::TrustStore trust(db.value());
    REQUIRE(trust
                .add({storage::TrustKind::SealKey, "", toHex(sealPk.data(), sealPk.size()), "seal",
                      "test", now, now + 3600})
                .ok());
    auto roster = kiosk::gate::parseRosterCsv(
        std::string(kTicket) + ",张三,440524188001010014,am,101,07\n", kSiteSecret);
    REQUIRE(roster.ok());
    storage::RosterStore store(db.value());
    REQUIRE(store.replace(roster.value(), {1, "test roster", now, now + 3600}).ok());
}

struct Ran {
    int exitCode = -1;
    std::string out;
};

// Runs the doorpost binary of this build; stdout captured, stderr to the test's log.
Ran doorpostBin(const std::string& args) {
    const std::string command = std::string(DOORPOST_BIN_DIR) + "/doorpost " + args;
    Ran ran;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        ran.out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    ran.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ran;
}

nlohmann::json lastJsonLine(const std::string& out) {
    std::istringstream lines(out);
    nlohmann::json last;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.front() == '{') {
            last = nlohmann::json::parse(line);
        }
    }
    return last;
}

// The staff toast as each `state` line showed it, by the language on screen then ("zh", "en").
std::map<std::string, std::string> toastsByLang(const std::string& out) {
    std::istringstream lines(out);
    std::map<std::string, std::string> toasts;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.front() == '{') {
            const auto state = nlohmann::json::parse(line);
            if (state.contains("staff_toast") && state.contains("lang")) {
                toasts[state["lang"].get<std::string>()] = state["staff_toast"].get<std::string>();
            }
        }
    }
    return toasts;
}

// After a toast: shown in zh-CN (the kiosk's default), then re-worded in English by a switch.
const char* kBothLangs = "state\nlang en\nstate\n";

std::string writeScript(const doorpost::test::TempDir& dir, const std::string& text) {
    const std::string path = dir.file("script.txt");
    std::ofstream(path) << text;
    return path;
}

const char* kUnlock = "tap staff\n"
                      "tap pin_2\ntap pin_4\ntap pin_6\ntap pin_8\ntap pin_ok\n"
                      "wait-for screen staff 15000\n";

} // namespace

TEST_CASE("staff export for auditors in doorpost run writes a folder that verify-export accepts") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath);
    const fs::path exportDir = dir.path() / "stick";
    fs::create_directories(exportDir);

    const std::string script = writeScript(dir, std::string("wedge ") + kTicket +
                                                    "\n"
                                                    "wait-for verdict admit 10000\n"
                                                    "wait-for admitted 1 5000\n" +
                                                    kUnlock +
                                                    "tap export\n"
                                                    "wait-for staff_result ok 60000\n" +
                                                    kBothLangs);
    const Ran run = doorpostBin("--db " + dbPath +
                                " run --headless --no-sound --demo-pin 2468 --json"
                                " --export-dir " +
                                exportDir.string() + " --script " + script);
    INFO(run.out);
    REQUIRE(run.exitCode == 0);
    const auto toasts = toastsByLang(run.out);
    const std::string toast = toasts.count("en") ? toasts.at("en") : "";
    const std::string toastZh = toasts.count("zh") ? toasts.at("zh") : "";

    // One new folder, named with the device and the time, and the toast names it.
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(exportDir)) {
        folders.push_back(entry.path());
    }
    REQUIRE(folders.size() == 1);
    const fs::path folder = folders[0];
    CHECK(folder.filename().string().rfind("doorpost-audit-", 0) == 0);
    CHECK(toast.find(folder.string()) != std::string::npos);
    CHECK(toast.find("Export: 1 events today -> ") == 0);
    CHECK(toastZh.find("导出完成：今日 1 条记录，已写入 ") == 0);
    CHECK(toastZh.find(folder.string()) != std::string::npos);

    // The event the script recorded, as the database holds it.
    std::string eventId;
    std::string deviceId;
    {
        auto db = storage::Database::open(dbPath);
        REQUIRE(db.ok());
        auto log = storage::EventLog::open(db.value());
        REQUIRE(log.ok());
        auto events = log.value().readSeqRange(1, 10);
        REQUIRE(events.ok());
        REQUIRE(events.value().size() == 1);
        CHECK(events.value()[0].verdict == Verdict::Admit);
        eventId = events.value()[0].eventId;
        deviceId = events.value()[0].deviceId;
    }
    CHECK(folder.filename().string().find(deviceId) != std::string::npos);

    const Ran verify = doorpostBin("verify-export " + folder.string() + " --json");
    INFO(verify.out);
    REQUIRE(verify.exitCode == 0);
    const auto report = lastJsonLine(verify.out);
    CHECK(report.value("ok", false));
    CHECK(report.value("count", 0) == 1);
    std::ifstream jsonl(folder / "events.jsonl");
    std::stringstream text;
    text << jsonl.rdbuf();
    CHECK(text.str().find(eventId) != std::string::npos);
}

TEST_CASE("staff sync now without --central says no central is configured") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath);
    const std::string script = writeScript(dir, std::string(kUnlock) +
                                                    "tap sync_now\n"
                                                    "wait-for staff_result error 10000\n" +
                                                    kBothLangs);
    const Ran run = doorpostBin("--db " + dbPath +
                                " run --headless --no-sound --demo-pin 2468 --json"
                                " --script " +
                                script);
    INFO(run.out);
    REQUIRE(run.exitCode == 0);
    const auto toasts = toastsByLang(run.out);
    REQUIRE(toasts.size() == 2);
    CHECK(toasts.at("zh").find("无法同步：未配置中心") == 0);
    CHECK(toasts.at("en").find("Sync: no central configured") == 0);
}

TEST_CASE("export destination: a given folder, else a removable-media mount, else a clear error") {
    doorpost::test::TempDir dir;
    // Nothing mounted under these roots (plain folders on the same device are not media).
    fs::create_directories(dir.path() / "media" / "staff" / "not-a-mount");
    auto none = findExportDestination("", {(dir.path() / "media").string(), "/nonexistent"});
    REQUIRE(!none.ok());
    CHECK(none.error().message.find("no removable media found") != std::string::npos);

    auto given = findExportDestination(dir.path().string());
    REQUIRE(given.ok());
    CHECK(given.value() == dir.path().string());
    auto missing = findExportDestination(dir.file("absent"));
    REQUIRE(!missing.ok());
    CHECK(missing.error().message.find("not a writable folder") != std::string::npos);
}

TEST_CASE("export folders are never reused: a second export in the same second gets its own name") {
    doorpost::test::TempDir dir;
    const std::int64_t now = 1'800'000'000;
    auto first = createExportFolder(dir.path().string(), "dev/../x", now);
    auto second = createExportFolder(dir.path().string(), "dev/../x", now);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first.value() != second.value());
    CHECK(fs::path(first.value()).parent_path() == dir.path()); // the device id cannot climb out
    CHECK(fs::path(first.value()).filename() == "doorpost-audit-dev____x-20270115T080000Z");
    CHECK(fs::path(second.value()).filename() == "doorpost-audit-dev____x-20270115T080000Z-2");
}

TEST_CASE("a failing export child gives its one-line error, and the period is today from local "
          "midnight") {
    doorpost::test::TempDir dir;
    const std::string out = dir.file("out");
    fs::create_directories(out);
    auto failed = runExportChild(std::string(DOORPOST_BIN_DIR) + "/doorpost", dir.file("absent.db"),
                                 todaySoFar(kiosk::gate::wallClockSeconds()), out);
    REQUIRE(!failed.ok());
    CHECK(failed.error().message.find("does not exist") != std::string::npos);
    CHECK(failed.error().message.find('\n') == std::string::npos);

    const std::int64_t now = kiosk::gate::wallClockSeconds();
    const ExportPeriod today = todaySoFar(now);
    CHECK(today.toUnix == now + 1);
    CHECK(today.fromUnix <= now);
    CHECK(now - today.fromUnix < 25 * 3600);
    CHECK(doorpost::formatIsoTime(0) == "1970-01-01T00:00:00Z");
}

TEST_CASE(
    "the auditor's PIN opens Export for auditors only, the staff PIN still opens everything") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath);
    const fs::path exportDir = dir.path() / "stick";
    fs::create_directories(exportDir);
    const std::string auditorUnlock = "tap staff\n"
                                      "tap pin_1\ntap pin_3\ntap pin_5\ntap pin_7\ntap pin_ok\n"
                                      "wait-for screen staff 15000\n"
                                      "expect staff_role auditor\n";
    const std::string common = "--db " + dbPath +
                               " run --headless --no-sound --demo-pin 2468"
                               " --demo-auditor-pin 1357 --export-dir " +
                               exportDir.string() + " --script ";

    const std::string exports = writeScript(dir, std::string("wedge ") + kTicket +
                                                     "\n"
                                                     "wait-for admitted 1 10000\n" +
                                                     auditorUnlock +
                                                     "tap export\n"
                                                     "wait-for staff_result ok 60000\n"
                                                     "tap lock\n"
                                                     "expect staff_role none\n" +
                                                     kUnlock + "expect staff_role staff\n");
    const Ran exported = doorpostBin(common + exports + " 2>&1");
    INFO(exported.out);
    REQUIRE(exported.exitCode == 0);
    CHECK(std::distance(fs::directory_iterator(exportDir), fs::directory_iterator()) == 1);

    // Everything else is shut for the auditor: a tap on Sync now finds no enabled button.
    const std::string syncs = writeScript(dir, auditorUnlock + "tap sync_now\n");
    const Ran refused = doorpostBin(common + syncs + " 2>&1");
    INFO(refused.out);
    CHECK(refused.exitCode == 1);
    CHECK(refused.out.find("no enabled widget 'sync_now'") != std::string::npos);
}

TEST_CASE("staff sync now with an unreachable central reports the nudged round's error") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath);
    const std::string script = writeScript(dir, std::string(kUnlock) +
                                                    "tap sync_now\n"
                                                    "wait-for staff_result error 30000\n" +
                                                    kBothLangs);
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const Ran run = doorpostBin("--db " + dbPath +
                                " run --headless --no-sound --demo-pin 2468 --json"
                                " --central http://127.0.0.1:9 --token test-token --script " +
                                script);
    INFO(run.out);
    REQUIRE(run.exitCode == 0);
    const auto toasts = toastsByLang(run.out);
    REQUIRE(toasts.size() == 2);
    // The sync worker's own error stays as it is, inside the translated sentence.
    const std::string zh = toasts.at("zh");
    const std::string en = toasts.at("en");
    CHECK(zh.rfind("同步失败：", 0) == 0);
    CHECK(en.rfind("Sync failed: ", 0) == 0);
    CHECK(zh.substr(std::string("同步失败：").size()) ==
          en.substr(std::string("Sync failed: ").size()));
    CHECK(en.size() > std::string("Sync failed: ").size());
}

TEST_CASE(
    "an export child killed by SIGBUS (a disk error under its mapping) is an error, not a crash") {
    doorpost::test::TempDir dir;
    // Stands in for `doorpost export` meeting a bad sector: it dies of SIGBUS as that would.
    const std::string exe = dir.file("dies-of-sigbus");
    std::ofstream(exe) << "#!/bin/sh\nkill -BUS $$\n";
    fs::permissions(exe, fs::perms::owner_all);
    auto result = runExportChild(exe, dir.file("kiosk.db"),
                                 todaySoFar(kiosk::gate::wallClockSeconds()), dir.file("out"));
    REQUIRE(!result.ok());
    CHECK(result.error().message.find("disk error") != std::string::npos);
}

TEST_CASE("a failed staff export leaves no folder behind and answers with the export's reason") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath); // nothing recorded today: the export refuses an empty period
    const fs::path stick = dir.path() / "stick";
    fs::create_directories(stick);
    KioskStaffConfig config;
    config.dbPath = dbPath;
    config.exePath = std::string(DOORPOST_BIN_DIR) + "/doorpost";
    config.exportDir = stick.string();
    std::promise<StaffNotice> answer;
    {
        KioskStaff staff(config, nullptr);
        staff.exportForAuditors([&](StaffNotice n) { answer.set_value(std::move(n)); });
        const StaffNotice result = answer.get_future().get();
        REQUIRE(result.failed);
        CHECK(result.what == StaffOutcome::ExportFailed);
        // The child's reason, untranslated, inside a sentence in each language.
        const std::string zh = formatNotice(Lang::Zh, result);
        const std::string en = formatNotice(Lang::En, result);
        CHECK(zh.rfind("导出失败：", 0) == 0);
        CHECK(en.rfind("Export failed: ", 0) == 0);
        CHECK(zh.find("no events") != std::string::npos);
        CHECK(en.find("no events") != std::string::npos);
        CHECK(en.find("export: ") == std::string::npos); // the prefix the sentence replaces
    }
    CHECK(fs::is_empty(stick));
}
