// `doorpost verify-export --central` against a device's key history, end to end on loopback
// with the real binaries: a kiosk enrols and exports, then enrols again from a new database
// (a new audit key) and exports; both exports verify, each matched with its own registered key,
// also after the central restarted. An export signed with a key the central never registered
// for that device (the same chain, re-keyed) is exit 1 naming the key mismatch.

#include "storage/database.hpp"
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
using doorpost::test::CentralProcess;
using doorpost::test::runCommand;

namespace {

std::string bin(const char* name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

void syncOnce(const std::string& db, const CentralProcess& central, const std::string& token) {
    auto run = runCommand(bin("doorpost") + " --db " + db + " sync --central " + central.url() +
                          " --token " + token + " --once --json");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
}

void exportTo(const std::string& db, const std::string& out) {
    auto run = runCommand(bin("doorpost") + " --db " + db +
                          " export --from 2026-01-01 --to 2027-01-01 --out " + out);
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
}

nlohmann::json verifyJson(const std::string& out, const CentralProcess& central,
                          const std::string& token, int expectedExit) {
    auto run = runCommand(bin("doorpost") + " verify-export " + out + " --central " +
                          central.url() + " --token " + token + " --json");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == expectedExit);
    return nlohmann::json::parse(run.out);
}

} // namespace

TEST_CASE("verify-export --central accepts every key the device enrolled with, and no other") {
    TempDir dir;
    CentralProcess central(dir.file("central.db"), 0, dir.file("central"));
    central.start();
    const std::string token = central.enroll("kiosk-1");
    const std::string auditor = central.enroll("auditor-ann");

    // The first database: enrols (registering its key), syncs, exports.
    const auto oldDb = dir.file("old.db");
    appendTestEvents(oldDb, 5);
    syncOnce(oldDb, central, token);
    appendTestEvents(oldDb, 3, 100);
    syncOnce(oldDb, central, token);
    exportTo(oldDb, dir.file("old-export"));

    // A reinstall: a new database (new epoch, new audit key) enrols again under the same name.
    const auto newDb = dir.file("new.db");
    appendTestEvents(newDb, 4, 500);
    syncOnce(newDb, central, token);
    appendTestEvents(newDb, 2, 600);
    syncOnce(newDb, central, token);
    exportTo(newDb, dir.file("new-export"));

    const auto checkBoth = [&] {
        const auto oldReport = verifyJson(dir.file("old-export"), central, auditor, 0);
        const auto newReport = verifyJson(dir.file("new-export"), central, auditor, 0);
        REQUIRE(oldReport["trusted_key"] != newReport["trusted_key"]);
        for (const auto* report : {&oldReport, &newReport}) {
            const auto& c = (*report)["central"];
            CHECK((*report)["ok"] == true);
            CHECK(c["outcome"] == "witnessed");
            CHECK(c["matched_key"]["key"] == (*report)["trusted_key"]);
            CHECK(c["matched_key"]["registered_ms"].get<std::int64_t>() > 0);
            // The latest key stays in device_key, as before.
            CHECK(c["device_key"] == newReport["trusted_key"]);
            REQUIRE(c["device_keys"].size() == 2);
        }
        // Oldest first: the old database's key, then the new one's.
        const auto& keys = oldReport["central"]["device_keys"];
        CHECK(keys[0]["key"] == oldReport["trusted_key"]);
        CHECK(keys[1]["key"] == newReport["trusted_key"]);
        CHECK(keys[0]["registered_ms"].get<std::int64_t>() <=
              keys[1]["registered_ms"].get<std::int64_t>());
        CHECK(oldReport["central"]["matched_key"] == keys[0]);
    };

    SECTION("both exports verify, each matched with its own key") {
        checkBoth();
        auto text = runCommand(bin("doorpost") + " verify-export " + dir.file("old-export") +
                               " --central " + central.url() + " --token " + token);
        INFO(text.out << text.err);
        CHECK(text.exitCode == 0);
        CHECK(text.out.find("key 1 of 2 registered") != std::string::npos);
    }
    SECTION("the history survives a restart of the central") {
        central.kill();
        central.start();
        checkBoth();
    }
    SECTION("an export signed with a key never registered for the device is a key mismatch") {
        // The same chain (device, epoch, hashes all witnessed), re-keyed: the key is made anew
        // on the next export.
        const auto rekeyed = dir.file("rekeyed.db");
        std::filesystem::copy_file(oldDb, rekeyed);
        {
            auto db = Database::open(rekeyed);
            REQUIRE(db.ok());
            REQUIRE(db->exec("DELETE FROM meta WHERE key IN"
                             " ('device_sign_seed', 'device_public_key')")
                        .ok());
        }
        exportTo(rekeyed, dir.file("rekeyed-export"));
        const auto report = verifyJson(dir.file("rekeyed-export"), central, auditor, 1);
        CHECK(report["ok"] == false);
        CHECK(report["where"] == "central");
        CHECK(report["central"]["outcome"] == "mismatch");
        CHECK(report["central"]["matched_key"].is_null());
        const std::string problem = report["problem"].get<std::string>();
        CHECK(problem.find("never registered device key") != std::string::npos);
        CHECK(problem.find("kiosk-1") != std::string::npos);
        CHECK(problem.find('\n') == std::string::npos);
        auto text = runCommand(bin("doorpost") + " verify-export " + dir.file("rekeyed-export") +
                               " --central " + central.url() + " --token " + token);
        CHECK(text.exitCode == 1);
        CHECK(text.out.find("NOT WITNESSED: central: the central never registered device key") !=
              std::string::npos);
    }
}
