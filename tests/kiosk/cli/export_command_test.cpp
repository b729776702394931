// `doorpost export` and `doorpost verify-export`, run as the real binary: exit codes, one-line
// errors, the JSON lines, which key was trusted, and a full disk leaving nothing behind.

#include "storage/device_key.hpp"
#include "tests/storage/audit/export_fixture.hpp"
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

namespace {

std::string doorpostBin() {
    return std::string(DOORPOST_BIN_DIR) + "/doorpost";
}

int lineCount(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("export then verify-export from the command line") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 12);
    const auto out = dir.file("audit");
    auto exported =
        runCommand(doorpostBin() + " --db " + db +
                   " export --from 2026-11-01 --to 2026-12-01 --out " + out + " --json");
    INFO(exported.err);
    REQUIRE(exported.exitCode == 0);
    const auto summary = nlohmann::json::parse(exported.out);
    CHECK(summary["count"] == 12);
    CHECK(summary["first_seq"] == 1);
    CHECK(summary["integrity"] == "ok");
    const std::string key = summary["device_public_key"];

    SECTION("trusting the manifest's own key says so") {
        auto verified = runCommand(doorpostBin() + " verify-export " + out);
        CHECK(verified.exitCode == 0);
        CHECK(verified.out.rfind("intact: 12 events, seq 1..12", 0) == 0);
        CHECK(verified.out.find("the manifest's own key") != std::string::npos);
        CHECK(verified.out.find("pass --device-key") != std::string::npos);
    }
    SECTION("trusting the enrolled key file") {
        writeText(dir.file("device.pub"), key + "\n");
        auto verified = runCommand(doorpostBin() + " verify-export " + out + " --device-key " +
                                   dir.file("device.pub") + " --json");
        CHECK(verified.exitCode == 0);
        const auto report = nlohmann::json::parse(verified.out);
        CHECK(report["ok"] == true);
        CHECK(report["key_source"] == "device-key-file");
        CHECK(report["trusted_key"] == key);
    }
    SECTION("a tampered export is exit 1, naming the record") {
        auto lines = readLines(fs::path(out) / "events.jsonl");
        std::swap(lines[2], lines[3]);
        writeLines(fs::path(out) / "events.jsonl", lines);
        auto verified = runCommand(doorpostBin() + " verify-export " + out + " --json");
        CHECK(verified.exitCode == 1);
        const auto report = nlohmann::json::parse(verified.out);
        CHECK(report["ok"] == false);
        CHECK(report["where"] == "events.jsonl line 3 (seq 4)");
        auto text = runCommand(doorpostBin() + " verify-export " + out);
        CHECK(text.exitCode == 1);
        CHECK(text.out.rfind("NOT INTACT: events.jsonl line 3 (seq 4): ", 0) == 0);
    }
    SECTION("the wrong device key is exit 1") {
        TempDir other;
        auto otherDb = Database::open(other.file("other.db"));
        REQUIRE(otherDb);
        auto otherKey = storage::devicePublicKey(*otherDb);
        REQUIRE(otherKey);
        writeText(dir.file("other.pub"), *otherKey);
        auto verified = runCommand(doorpostBin() + " verify-export " + out + " --device-key " +
                                   dir.file("other.pub"));
        CHECK(verified.exitCode == 1);
        CHECK(verified.out.find("not the trusted device key") != std::string::npos);
    }
}

TEST_CASE("export and verify-export refuse bad input with exit 2 and one line") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 2);
    auto badFrom = runCommand(doorpostBin() + " --db " + db +
                              " export --from yesterday --to 2026-11-18 --out " + dir.file("x"));
    CHECK(badFrom.exitCode == 2);
    CHECK(badFrom.err.find("--from") != std::string::npos);
    CHECK(lineCount(badFrom.err) == 1);
    auto missing = runCommand(doorpostBin() + " verify-export " + dir.file("nowhere"));
    CHECK(missing.exitCode == 2);
    CHECK(lineCount(missing.err) == 1);
    writeText(dir.file("bad.pub"), "not a key");
    fs::create_directory(dir.file("empty"));
    auto badKey = runCommand(doorpostBin() + " verify-export " + dir.file("empty") +
                             " --device-key " + dir.file("bad.pub"));
    CHECK(badKey.exitCode == 2);
    CHECK(badKey.err.find("--device-key") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.file("x")));
}

TEST_CASE("an unwritable --out or a full disk is exit 3, one line, nothing left") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 200);
    const auto export_ =
        doorpostBin() + " --db " + db + " export --from 2026-01-01 --to 2027-01-01 --out ";

    SECTION("--out under a file") {
        writeText(dir.file("a-file"), "x");
        auto run = runCommand(export_ + dir.file("a-file") + "/out");
        CHECK(run.exitCode == 3);
        CHECK(lineCount(run.err) == 1);
    }
    SECTION("the disk fills up while writing") {
        // A file size limit stands in for a full disk: writes past it fail with EFBIG, as they
        // would with ENOSPC (SIGXFSZ ignored so the write returns the error). The database files
        // are already larger than the limit only in their unchanged parts, so opening works.
        auto run = runCommand("sh -c 'trap \"\" XFSZ; ulimit -f 64; exec " + export_ +
                              dir.file("out") + "'");
        INFO(run.err);
        CHECK(run.exitCode == 3);
        CHECK(lineCount(run.err) == 1);
        CHECK(run.err.find("cannot write") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.file("out")));
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
    }
}
