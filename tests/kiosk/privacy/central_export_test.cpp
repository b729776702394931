// The auditor's export at the central, end to end with the real binaries (issue 17, "What it
// must show" 1-3): a kiosk registers three people by hand and syncs; the central's export with
// --unmask shows their full numbers (unmasked_ids.csv, the spreadsheet, the report), without
// --unmask they stay masked everywhere; the access log records the unmasking and verifies;
// verify-export checks a central export (per-door chains, manifest signed by the central's
// key) and catches the kiosk tamper matrix's edits in it; the custody errors (wrong passphrase,
// a key file of another deployment, a box sealed to a rotated key whose file is not given) are
// each one line, exit 2, with nothing written; no file of the central's data directory holds a
// full number.

#include "tests/kiosk/privacy/deployment.hpp"

#include <nlohmann/json.hpp>

using namespace doorpost::test;
namespace fs = std::filesystem;

namespace {

const std::string kPeriod = periodAroundToday();

bool containsAny(const std::string& text, const std::vector<std::string>& needles) {
    for (const auto& needle : needles)
        if (text.find(needle) != std::string::npos)
            return true;
    return false;
}

// Every file under `root` that holds one of the numbers (byte for byte).
std::vector<std::string> filesHolding(const fs::path& root, const std::vector<std::string>& ids) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && containsAny(readText(entry.path()), ids))
            found.push_back(entry.path().string());
    return found;
}

std::string centralKeyFile(const Deployment& deployment) {
    // The central's signing key is the set key kiosks pin: the sync state holds it.
    auto run = runCommand("sqlite3 " + deployment.kioskDb() +
                          " \"SELECT value FROM meta WHERE key = 'sync_set_key'\"");
    std::string key = run.out.substr(0, 64);
    const std::string path = deployment.dir().file("central-key.hex");
    writeText(path, key + "\n");
    return path;
}

int lineCount(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("the central's export: unmasked for the auditor, masked otherwise, logged and "
          "verifiable",
          "[privacy][central-export]") {
    TempDir dir;
    Deployment deployment(dir);
    deployment.registerAndSync(registeredIds(), "2026-12-07T08:30:00Z");
    const std::string unmasked = dir.file("unmasked");
    const std::string masked = dir.file("masked");

    auto run = deployment.central("export " + kPeriod + " --out " + unmasked +
                                  " --unmask --sealing-key " + deployment.sealingKeyFile() +
                                  " --passphrase-file " + deployment.passphraseFile() +
                                  " --reason \"exam office: match against the candidate list\""
                                  " --auditor jane --json");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto summary = nlohmann::json::parse(run.out);
    CHECK(summary["opened"] == 3);
    CHECK(summary["doors"] == 1);
    CHECK(summary["access_log_seq"] == 1);

    // The full numbers are in their own column, and nowhere they were not asked for.
    const std::string ids = readText(fs::path(unmasked) / "unmasked_ids.csv");
    for (const auto& id : registeredIds())
        CHECK(ids.find("," + id + ",") != std::string::npos);
    CHECK(lineCount(ids) == 4);
    for (const auto& name : {"events.jsonl", "events.csv", "manifest.json"})
        for (const auto& door : fs::directory_iterator(fs::path(unmasked) / "doors" / "door-1"))
            CHECK_FALSE(containsAny(readText(door.path() / name), registeredIds()));

    run = deployment.central("export " + kPeriod + " --out " + masked + " --json");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    CHECK(nlohmann::json::parse(run.out)["opened"] == 0);
    CHECK_FALSE(fs::exists(fs::path(masked) / "unmasked_ids.csv"));
    CHECK(filesHolding(masked, registeredIds()).empty());

    // Both verify, against the central's key as the kiosks pinned it.
    const std::string key = centralKeyFile(deployment);
    for (const auto& out : {unmasked, masked}) {
        auto verified = runCommand(binary("doorpost") + " verify-export " + out +
                                   " --central-key " + key + " --json");
        INFO(verified.out << verified.err);
        CHECK(verified.exitCode == 0);
        const auto report = nlohmann::json::parse(verified.out);
        CHECK(report["kind"] == "central");
        CHECK(report["events"].get<int>() >= 3);
        CHECK(report["key_source"] == "central-key-file");
    }

    // The access log: one entry, who, what and why; exported, it verifies.
    run = deployment.central("access-log --json");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto entry = nlohmann::json::parse(run.out);
    CHECK(entry["seq"] == 1);
    CHECK(entry["auditor"] == "jane");
    CHECK(entry["opened"] == 3);
    CHECK(entry["doors"] == "*");
    CHECK(entry["reason"] == "exam office: match against the candidate list");
    run = deployment.central("access-log --out " + dir.file("access"));
    REQUIRE(run.exitCode == 0);
    auto verified = runCommand(binary("doorpost") + " verify-export " + dir.file("access") +
                               " --central-key " + key);
    INFO(verified.out << verified.err);
    CHECK(verified.exitCode == 0);
    CHECK_THAT(verified.out, Catch::Contains("intact: access log of 1 entries"));
    // An entry edited in the exported log breaks its hash.
    std::string log = readText(fs::path(dir.file("access")) / "access-log.jsonl");
    log.replace(log.find("\"opened\":3"), 10, "\"opened\":0");
    writeText(fs::path(dir.file("access")) / "access-log.jsonl", log);
    verified = runCommand(binary("doorpost") + " verify-export " + dir.file("access"));
    CHECK(verified.exitCode == 1);
    CHECK_THAT(verified.out, Catch::Contains("a field was edited"));

    // The data directory, the store and the log never held a full number.
    CHECK(filesHolding(deployment.centralDir(), registeredIds()).empty());
}

TEST_CASE("custody: a wrong passphrase, a foreign key file and a rotated key without its file "
          "are one-line errors, and nothing is written",
          "[privacy][custody]") {
    TempDir dir;
    Deployment deployment(dir);
    deployment.registerAndSync({registeredIds()[0]}, "2026-12-07T08:30:00Z");
    const auto exportWith = [&](const std::string& keys, const std::string& passphraseFile,
                                const std::string& out) {
        return deployment.central("export " + kPeriod + " --out " + out + " --unmask " + keys +
                                  " --passphrase-file " + passphraseFile + " --reason audit");
    };
    const auto oneLine = [](const CommandRun& run) {
        return lineCount(run.err) == 1 && run.out.empty();
    };

    SECTION("wrong passphrase") {
        writeText(dir.file("wrong.txt"), "not the passphrase\n");
        auto run = exportWith("--sealing-key " + deployment.sealingKeyFile(), dir.file("wrong.txt"),
                              dir.file("out"));
        INFO(run.err);
        CHECK(run.exitCode == 2);
        CHECK(oneLine(run));
        CHECK_THAT(run.err, Catch::Contains("wrong passphrase"));
        CHECK_FALSE(fs::exists(dir.file("out")));
    }
    SECTION("a key file from another deployment") {
        const std::string other = dir.file("other-central");
        fs::create_directories(other);
        auto made = runCommand(binary("doorpost-central") + " --data-dir " + other +
                               " keys --sealing-key-out " + dir.file("foreign.dpkey") +
                               " --passphrase-file " + deployment.passphraseFile());
        REQUIRE(made.exitCode == 0);
        auto run = exportWith("--sealing-key " + dir.file("foreign.dpkey"),
                              deployment.passphraseFile(), dir.file("out"));
        INFO(run.err);
        CHECK(run.exitCode == 2);
        CHECK(oneLine(run));
        CHECK_THAT(run.err, Catch::Contains("belongs to another deployment"));
        CHECK_FALSE(fs::exists(dir.file("out")));
    }
    SECTION("a box sealed to a rotated key, its file not given") {
        auto rotated = deployment.central("keys --sealing-key-out " + dir.file("seal-2.dpkey") +
                                          " --passphrase-file " + deployment.passphraseFile());
        REQUIRE(rotated.exitCode == 0);
        // New registrations seal to the new key; the first one stays sealed to the old.
        deployment.trustCentral();
        auto registered =
            deployment.kiosk("register --id-type resident --id " + registeredIds()[1] +
                             " --reason no_phone --operator op1 --json --at "
                             "2026-12-07T09:00:00Z");
        REQUIRE(registered.exitCode == 0);
        deployment.sync();
        auto run = exportWith("--sealing-key " + dir.file("seal-2.dpkey"),
                              deployment.passphraseFile(), dir.file("out"));
        INFO(run.err);
        CHECK(run.exitCode == 2);
        CHECK(oneLine(run));
        CHECK_THAT(run.err, Catch::Contains("rotated since") && Catch::Contains("--sealing-key"));
        CHECK_FALSE(fs::exists(dir.file("out")));
        // Nothing was opened, so nothing was logged.
        CHECK(deployment.central("access-log --json").out.empty());
        // With both files, both boxes open.
        run = exportWith("--sealing-key " + dir.file("seal-2.dpkey") + " --sealing-key " +
                             deployment.sealingKeyFile(),
                         deployment.passphraseFile(), dir.file("both"));
        INFO(run.out << run.err);
        CHECK(run.exitCode == 0);
        const std::string ids = readText(fs::path(dir.file("both")) / "unmasked_ids.csv");
        CHECK(ids.find(registeredIds()[0]) != std::string::npos);
        CHECK(ids.find(registeredIds()[1]) != std::string::npos);
    }
    // However it went, the central's data directory holds no full number.
    CHECK(filesHolding(deployment.centralDir(), registeredIds()).empty());
}

TEST_CASE("the tamper matrix, run against a central export", "[privacy][central-export]") {
    TempDir dir;
    Deployment deployment(dir);
    deployment.registerAndSync(registeredIds(), "2026-12-07T08:30:00Z");
    const std::string original = dir.file("original");
    auto run =
        deployment.central("export " + kPeriod + " --out " + original + " --unmask --sealing-key " +
                           deployment.sealingKeyFile() + " --passphrase-file " +
                           deployment.passphraseFile() + " --reason audit");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const std::string key = centralKeyFile(deployment);
    fs::path door;
    for (const auto& entry : fs::directory_iterator(fs::path(original) / "doors" / "door-1"))
        door = fs::relative(entry.path(), original);

    struct Tamper {
        const char* name;
        std::function<void(const fs::path&)> apply;
        const char* expected; // in the first problem named
    };
    const auto edit = [](const fs::path& file, const std::string& from, const std::string& to) {
        std::string text = readText(file);
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        writeText(file, text);
    };
    const std::vector<Tamper> matrix = {
        {"an edited field in a door's events.jsonl",
         [&](const fs::path& out) {
             edit(out / door / "events.jsonl", "\"operator\":\"op1\"", "\"operator\":\"op2\"");
         },
         "a field was edited"},
        {"an edited row in a door's events.csv",
         [&](const fs::path& out) { edit(out / door / "events.csv", ",op1,", ",op9,"); },
         "events.csv"},
        {"a deleted record",
         [&](const fs::path& out) {
             std::string text = readText(out / door / "events.jsonl");
             const auto first = text.find('\n');
             writeText(out / door / "events.jsonl", text.substr(first + 1));
         },
         "events.jsonl"},
        {"a truncated door manifest",
         [&](const fs::path& out) {
             const std::string text = readText(out / door / "manifest.json");
             writeText(out / door / "manifest.json", text.substr(0, text.size() / 2));
         },
         "manifest.json"},
        {"an edited central manifest",
         [&](const fs::path& out) { edit(out / "manifest.json", "\"audit\"", "\"no reason\""); },
         "signature does not verify"},
        {"a number changed in unmasked_ids.csv",
         [&](const fs::path& out) {
             edit(out / "unmasked_ids.csv", registeredIds()[0], registeredIds()[1]);
         },
         "unmasked_ids.csv"},
        {"an edited events.xlsx",
         [&](const fs::path& out) {
             std::string text = readText(out / "events.xlsx");
             text[text.size() / 2] = static_cast<char>(text[text.size() / 2] ^ 1);
             writeText(out / "events.xlsx", text);
         },
         "events.xlsx"},
        {"an edited report.html",
         [&](const fs::path& out) { edit(out / "report.html", "<h1>", "<h1>FORGED "); },
         "report.html"},
        {"a file added after signing",
         [&](const fs::path& out) { writeText(out / "extra.csv", "x\n"); }, "not listed"},
        {"a door folder removed", [&](const fs::path& out) { fs::remove_all(out / door); },
         "manifest.json"},
    };
    for (const auto& tamper : matrix) {
        DYNAMIC_SECTION(tamper.name) {
            const fs::path copy = dir.file("tampered");
            fs::remove_all(copy);
            fs::copy(original, copy, fs::copy_options::recursive);
            tamper.apply(copy);
            auto verified = runCommand(binary("doorpost") + " verify-export " + copy.string() +
                                       " --central-key " + key + " --json");
            INFO(verified.out << verified.err);
            CHECK(verified.exitCode == 1);
            const auto report = nlohmann::json::parse(verified.out);
            CHECK(report["ok"] == false);
            CHECK_THAT(report["problem"].get<std::string>(), Catch::Contains(tamper.expected));
        }
    }
    SECTION("signed by another central's key") {
        writeText(dir.file("other.hex"), std::string(64, 'a') + "\n");
        auto verified = runCommand(binary("doorpost") + " verify-export " + original +
                                   " --central-key " + dir.file("other.hex"));
        CHECK(verified.exitCode == 1);
        CHECK_THAT(verified.out, Catch::Contains("signed by another key"));
    }
}
