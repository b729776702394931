// The kiosk as doorpost-kiosk.service runs it (packaging/README.md): `--config FILE` with the
// command line winning, `config check`, secrets from $CREDENTIALS_DIRECTORY. Each case runs the
// real binary.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace doorpost;
using doorpost::test::runBinary;
using doorpost::test::runCommand;
using doorpost::test::TempDir;

namespace {

std::string writeFile(const TempDir& dir, const std::string& name, const std::string& text,
                      mode_t mode = 0600) {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    return path;
}

std::string bin(const std::string& name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

// The last JSON line of `text` (doorpost run --json prints the final state last).
nlohmann::json lastJson(const std::string& text) {
    const auto start = text.rfind('{');
    REQUIRE(start != std::string::npos);
    return nlohmann::json::parse(text.substr(start));
}

} // namespace

TEST_CASE("config check passes the shipped kiosk.toml and names a bad key with its line") {
    const std::string shipped = std::string(DOORPOST_SOURCE_DIR) + "/packaging/config/kiosk.toml";
    auto ok = runBinary("doorpost", "config check " + shipped);
    INFO(ok.err);
    CHECK(ok.exitCode == 0);
    CHECK(ok.out == shipped + ": ok (3 keys)\n"); // db, profile, lang

    TempDir dir;
    const auto bad = writeFile(dir, "bad.toml", "db = \"k.db\"\n# a comment\nlnag = \"en\"\n");
    auto unknown = runBinary("doorpost", "config check " + bad);
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.err == "doorpost: " + bad + " line 3: lnag: unknown key (no option --lnag)\n");
    CHECK(unknown.out.empty());

    const auto secret =
        writeFile(dir, "secret.toml", "central = \"https://c.test\"\ntoken = \"x\"\n");
    auto refused = runBinary("doorpost", "config check " + secret);
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.find(secret + " line 2: token: a secret") != std::string::npos);

    const auto value = writeFile(dir, "value.toml", "lang = \"fr\"\n");
    auto wrong = runBinary("doorpost", "config check " + value);
    CHECK(wrong.exitCode == 2);
    CHECK(wrong.err.find(value + " line 1: lang = fr: ") != std::string::npos);

    const auto profile = writeFile(dir, "profile.toml",
                                   "profile = \"night\"\n\n[profiles.night]\nbase = \"transit\"\n"
                                   "credentials = [\"dp1\", \"dp9\"]\n");
    auto table = runBinary("doorpost", "config check " + profile);
    CHECK(table.exitCode == 2);
    CHECK(table.err == "doorpost: " + profile +
                           ": line 5: profiles.night.credentials: unknown credential 'dp9'\n");
}

TEST_CASE("--config: the file's keys apply to the command, the command line wins") {
    TempDir dir;
    const std::string dbPath = dir.file("from-file.db");
    std::string deviceId;
    {
        auto db = storage::Database::open(dbPath);
        REQUIRE(db);
        auto log = storage::EventLog::open(*db);
        REQUIRE(log);
        REQUIRE(log->append(storage::EventDraft{}));
        deviceId = *db->meta("device_id").value();
    }
    const auto config =
        writeFile(dir, "kiosk.toml", "db = \"" + dbPath + "\"\nlang = \"en\"\nno-sound = true\n");

    auto status = runBinary("doorpost", "--config " + config + " status --json");
    INFO(status.err);
    REQUIRE(status.exitCode == 0);
    CHECK(nlohmann::json::parse(status.out)["device_id"] == deviceId);

    auto overridden =
        runBinary("doorpost", "--config " + config + " --db " + dir.file("other.db") + " status");
    CHECK(overridden.exitCode == 2); // the command line's --db, which does not exist
    CHECK(overridden.err.find("other.db does not exist") != std::string::npos);

    auto run = runBinary("doorpost", "--config " + config + " run --headless --frames 2 --json");
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    CHECK(lastJson(run.out)["lang"] == "en");
    auto runZh =
        runBinary("doorpost", "--config " + config + " run --headless --frames 2 --json --lang zh");
    REQUIRE(runZh.exitCode == 0);
    CHECK(lastJson(runZh.out)["lang"] == "zh");

    const auto broken = writeFile(dir, "broken.toml", "db = \"" + dbPath + "\"\nlang = \"fr\"\n");
    auto refused = runBinary("doorpost", "--config " + broken + " run --headless --frames 2");
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.rfind("doorpost: " + broken + " line 2: lang = fr: ", 0) == 0);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
}

TEST_CASE("doorpost run takes the staff PIN hash from $CREDENTIALS_DIRECTORY, never from argv") {
    REQUIRE(sodium_init() >= 0);
    char hash[crypto_pwhash_STRBYTES];
    REQUIRE(crypto_pwhash_str(hash, "2468", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
    TempDir dir;
    const std::string credentials = dir.file("credentials");
    REQUIRE(::mkdir(credentials.c_str(), 0700) == 0);
    const std::string credential = credentials + "/staff-pin-hash";
    std::ofstream(credential) << hash << '\n';
    REQUIRE(::chmod(credential.c_str(), 0400) == 0);
    const std::string unlock = "tap staff\ntap pin_2\ntap pin_4\ntap pin_6\ntap pin_8\n"
                               "tap pin_ok\nwait-for screen staff ";
    const auto script = writeFile(dir, "unlock.txt", unlock + "15000\n");
    const std::string run = " " + bin("doorpost") + " --db " + dir.file("k.db") +
                            " run --headless --no-sound --json --script ";

    auto unlocked = runCommand("CREDENTIALS_DIRECTORY=" + credentials + run + script);
    INFO(unlocked.err);
    CHECK(unlocked.exitCode == 0);
    CHECK(lastJson(unlocked.out)["screen"] == "staff");

    // No PIN hash: the staff screen stays shut and the script's expectation fails.
    const auto quick = writeFile(dir, "quick.txt", unlock + "2000\n");
    auto shut = runCommand("env -u CREDENTIALS_DIRECTORY" + run + quick);
    CHECK(shut.exitCode == 1);

    REQUIRE(::chmod(credential.c_str(), 0644) == 0);
    auto leaked = runCommand("CREDENTIALS_DIRECTORY=" + credentials + run + script);
    CHECK(leaked.exitCode == 2);
    CHECK(leaked.err == "doorpost: credential staff-pin-hash: " + credential +
                            ": readable by group or others (mode 0644); make it 0600 or 0400\n");
}
