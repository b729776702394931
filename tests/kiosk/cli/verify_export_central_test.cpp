// `doorpost verify-export --central`, end to end on loopback with the real binaries: a
// doorpost-central serving, a kiosk enrolled and synced with `doorpost sync --once`, exports
// checked against what the central witnessed: the synced export (exit 0), a forked history
// with the same device and epoch (exit 1, mismatch), events not synced yet (exit 1), a token of
// another device (exit 2), an auditor principal (exit 0) and an unreachable central (exit 3).

#include "tests/storage/audit/export_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using namespace doorpost::test;
using namespace doorpost::storage::test;
using doorpost::test::runCommand;
namespace fs = std::filesystem;

using doorpost::test::CentralProcess;

namespace {

std::string bin(const char* name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

} // namespace

TEST_CASE("verify-export --central checks the export's end against the central's chain") {
    TempDir dir;
    CentralProcess central(dir.file("central.db"), 0, dir.file("central"));
    central.start();
    const std::string token = central.enroll("kiosk-1");
    const std::string auditor = central.enroll("auditor-ann");
    const std::string otherDevice = central.enroll("kiosk-2");

    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 12);
    const auto sync = [&](const std::string& path) {
        auto run = runCommand(bin("doorpost") + " --db " + path + " sync --central " +
                              central.url() + " --token " + token + " --once --json");
        INFO(run.out << run.err);
        REQUIRE(run.exitCode == 0);
    };
    sync(db); // enrols: later exports name the device kiosk-1
    // A copy of the database taken now shares the device, epoch and key: a forked history.
    const auto fork = dir.file("fork.db");
    fs::copy_file(db, fork);
    appendTestEvents(db, 3, 100);
    appendTestEvents(fork, 3, 200);
    sync(db); // the central now holds seq 1..15 of the original

    const auto exportTo = [&](const std::string& path, const std::string& out) {
        auto run = runCommand(bin("doorpost") + " --db " + path +
                              " export --from 2026-01-01 --to 2027-01-01 --out " + out);
        INFO(run.err);
        REQUIRE(run.exitCode == 0);
    };
    const auto verify = [&](const std::string& out, const std::string& url,
                            const std::string& tok) {
        return runCommand(bin("doorpost") + " verify-export " + out + " --central " + url +
                          (tok.empty() ? "" : " --token " + tok) + " --json");
    };
    exportTo(db, dir.file("synced"));
    exportTo(fork, dir.file("forked"));

    SECTION("the synced export was witnessed: exit 0, with the device's token or an auditor's") {
        for (const std::string& tok : {token, auditor}) {
            auto run = verify(dir.file("synced"), central.url(), tok);
            INFO(run.out << run.err);
            CHECK(run.exitCode == 0);
            const auto report = nlohmann::json::parse(run.out);
            CHECK(report["ok"] == true);
            CHECK(report["device"] == "kiosk-1");
            CHECK(report["last_seq"] == 15);
            CHECK(report["central"]["outcome"] == "witnessed");
            CHECK(report["central"]["acked_through"] == 15);
            CHECK(report["central"]["hash"] == report["last_hash"]);
            // Enrolment registered the key that signed the export's manifest.
            CHECK(report["central"]["device_key"] == report["trusted_key"]);
            CHECK(report["trusted_key"].get<std::string>().size() == 64);
        }
        auto text = runCommand(bin("doorpost") + " verify-export " + dir.file("synced") +
                               " --central " + central.url() + " --token " + token);
        CHECK(text.exitCode == 0);
        CHECK(text.out.find("central: the central witnessed seq 15") != std::string::npos);
    }
    SECTION("a forked history (same device, epoch and key) is exit 1, naming the mismatch") {
        auto local = runCommand(bin("doorpost") + " verify-export " + dir.file("forked"));
        CHECK(local.exitCode == 0); // intact on its own: only the central can tell
        auto run = verify(dir.file("forked"), central.url(), token);
        INFO(run.out << run.err);
        CHECK(run.exitCode == 1);
        const auto report = nlohmann::json::parse(run.out);
        CHECK(report["ok"] == false);
        CHECK(report["where"] == "central");
        CHECK(report["central"]["outcome"] == "mismatch");
        CHECK(report["central"]["hash"] != report["last_hash"]);
        CHECK(report["problem"].get<std::string>().find("holds hash") != std::string::npos);
        CHECK(report["problem"].get<std::string>().find("seq 15") != std::string::npos);
    }
    SECTION("events the central has not received yet are exit 1, saying so") {
        appendTestEvents(db, 2, 300);
        exportTo(db, dir.file("unsynced"));
        auto run = verify(dir.file("unsynced"), central.url(), token);
        INFO(run.out << run.err);
        CHECK(run.exitCode == 1);
        const auto report = nlohmann::json::parse(run.out);
        CHECK(report["central"]["outcome"] == "not_witnessed");
        CHECK(report["problem"].get<std::string>().find("has not received seq 17") !=
              std::string::npos);
    }
    SECTION("another device's token, or none, is refused: exit 2 naming --token") {
        for (const std::string& tok : {otherDevice, std::string()}) {
            auto run = verify(dir.file("synced"), central.url(), tok);
            CHECK(run.exitCode == 2);
            CHECK(run.err.find("--token") != std::string::npos);
            CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
        }
    }
    SECTION("an unreachable central is exit 3") {
        // Port 1 (tcpmux) is privileged and not served here: the connection is refused.
        auto run = verify(dir.file("synced"), "http://127.0.0.1:1", token);
        CHECK(run.exitCode == 3);
        CHECK(run.err.find("--central") != std::string::npos);
    }
}
