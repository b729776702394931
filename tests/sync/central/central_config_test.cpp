// doorpost-central as doorpost-central.service runs it (packaging/README.md): `--config FILE`
// with the command line winning, `config check FILE` naming a bad key with file and line, the
// TLS certificate and key from $CREDENTIALS_DIRECTORY, no secret in the file, and a data folder
// that is 0700 (its store 0600) whatever the umask. Each case runs the real binary.

#include "tests/support/command_run.hpp"
#include "tests/support/file_mode.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <sys/stat.h>

using doorpost::test::CommandRun;
using doorpost::test::fileMode;
using doorpost::test::runBinary;
using doorpost::test::runCommand;
using doorpost::test::TempDir;
using doorpost::test::writeFileWithMode;

namespace {

std::string bin(const std::string& name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

// The JSON object on each line of `text`.
std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        REQUIRE(!parsed.is_discarded());
        lines.push_back(std::move(parsed));
    }
    return lines;
}

// `config check` on a file holding `text`: exit 2, and the one line it printed.
std::string refusal(const TempDir& dir, const std::string& name, const std::string& text) {
    const auto path = writeFileWithMode(dir, name, text);
    const CommandRun run = runBinary("doorpost-central", "config check " + path);
    INFO(text);
    CHECK(run.exitCode == 2);
    CHECK(run.out.empty());
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    return run.err;
}

// `serve` for one second, then SIGTERM (a clean stop): its exit status and output.
CommandRun serveBriefly(const std::string& arguments, const std::string& environment = "") {
    return runCommand("{ " + environment + " " + bin("doorpost-central") + " " + arguments +
                      " & central=$!; sleep 1; kill -TERM $central; wait $central; }");
}

} // namespace

TEST_CASE("config check passes the shipped central.toml", "[central][config]") {
    const std::string shipped = std::string(DOORPOST_SOURCE_DIR) + "/packaging/config/central.toml";
    const CommandRun ok = runBinary("doorpost-central", "config check " + shipped);
    INFO(ok.err);
    CHECK(ok.exitCode == 0);
    CHECK(ok.out == shipped + ": ok (3 keys)\n"); // data-dir, host, port
    CHECK(ok.err.empty());

    const CommandRun json = runBinary("doorpost-central", "config check --json " + shipped);
    REQUIRE(json.exitCode == 0);
    const auto answer = nlohmann::json::parse(json.out);
    CHECK(answer["file"] == shipped);
    CHECK(answer["ok"] == true);
    CHECK(answer["keys"] == 3);

    // Every commented key of the shipped file is a key too, with the value it shows.
    std::ifstream in(shipped);
    std::string uncommented;
    const std::regex commentedKey("^# ([a-z-]+ = .*)$");
    for (std::string line; std::getline(in, line);) {
        std::smatch key;
        if (std::regex_match(line, key, commentedKey)) {
            line = key[1];
        }
        // The example TLS paths do not exist here; their check is the next case's.
        if (line.rfind("tls-", 0) != 0) {
            uncommented += line + "\n";
        }
    }
    TempDir dir;
    const auto all = writeFileWithMode(dir, "all.toml", uncommented);
    const CommandRun every = runBinary("doorpost-central", "config check " + all);
    INFO(uncommented);
    INFO(every.err);
    CHECK(every.exitCode == 0);
    CHECK(every.out == all + ": ok (14 keys)\n");
}

TEST_CASE("config check names an unknown key, a wrong type and a bad value with file and line",
          "[central][config]") {
    TempDir dir;
    const std::string p = "doorpost-central: " + dir.path().string() + "/";

    CHECK(refusal(dir, "unknown.toml", "host = \"127.0.0.1\"\n\n# a comment\nprot = 8443\n") ==
          p + "unknown.toml line 4: prot: unknown key (no option --prot)\n");
    CHECK(refusal(dir, "section.toml", "port = 8443\n[tls]\ncert = \"c.pem\"\n") ==
          p + "section.toml line 2: tls: unknown section [tls]\n");
    // A benchmark's parameter is not the site's: the file does not reach `bench`.
    CHECK(refusal(dir, "bench.toml", "doors = 200\n") ==
          p + "bench.toml line 1: doors: unknown key (no option --doors)\n");
    CHECK(refusal(dir, "oneshot.toml", "port = 8443\njson = true\n") ==
          p + "oneshot.toml line 2: json: given on the command line only, not in a "
              "configuration file\n");

    // Wrong types.
    CHECK(refusal(dir, "flag.toml", "behind-tls-proxy = \"yes\"\n") ==
          p + "flag.toml line 1: behind-tls-proxy: expected true or false, not a string\n");
    CHECK(refusal(dir, "number.toml", "threads = true\n") ==
          p + "number.toml line 1: threads: expected a value, not true or false\n");
    CHECK(refusal(dir, "list.toml", "port = [8443]\n") ==
          p + "list.toml line 1: port: expected a string, an integer or true or false, not a "
              "list, date or fraction\n");
    CHECK(refusal(dir, "text.toml", "data-dir = \"/d\"\nport = \"https\"\n")
              .rfind(p + "text.toml line 2: port = https: ", 0) == 0);

    // Bad values: refused by the option's own check, or by the central's rules.
    CHECK(refusal(dir, "cert.toml", "tls-cert = \"/nonexistent/fullchain.pem\"\n")
              .rfind(p + "cert.toml line 1: tls-cert = /nonexistent/fullchain.pem: ", 0) == 0);
    CHECK(refusal(dir, "syntax.toml", "port = 8443\nhost = 127.0.0.1\n")
              .rfind(p + "syntax.toml line 2: ", 0) == 0);
}

TEST_CASE("no secret in central.toml: the TLS key's file is named, a store URL has no password",
          "[central][config]") {
    TempDir dir;
    const std::string p = "doorpost-central: " + dir.path().string() + "/";
    const std::string pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIL0bFakeKeyMaterial\n"
                            "-----END PRIVATE KEY-----";
    const std::string pasted =
        refusal(dir, "pasted.toml", "port = 8443\ntls-key = \"\"\"\n" + pem + "\"\"\"\n");
    CHECK(pasted == p + "pasted.toml line 2: tls-key: a secret is never written in a "
                        "configuration file; name the file that holds it (tls-key = \"FILE\") or "
                        "use the credential tls-key\n");
    CHECK(pasted.find("FakeKeyMaterial") == std::string::npos);

    const std::string password =
        refusal(dir, "store.toml", "store = \"postgresql://doorpost:hunter2@db/doorpost\"\n");
    CHECK(password == p + "store.toml line 1: store: a password is never written in a "
                          "configuration file; put it in the credential pgpass (a libpq password "
                          "file) or use peer authentication\n");
    CHECK(password.find("hunter2") == std::string::npos);
    CHECK(refusal(dir, "query.toml", "store = \"postgresql://db/doorpost?password=hunter2\"\n")
              .find("hunter2") == std::string::npos);
    const auto peer = writeFileWithMode(
        dir, "peer.toml", "store = \"postgresql://doorpost@/doorpost?host=/run/postgresql\"\n");
    CHECK(runBinary("doorpost-central", "config check " + peer).exitCode == 0);

    // A key file others can read is refused (its group may read it: an ACME client's).
    const auto key = writeFileWithMode(dir, "privkey.pem", pem + "\n", 0644);
    const auto cert = writeFileWithMode(dir, "fullchain.pem", "certificate\n", 0644);
    const std::string named = "tls-cert = \"" + cert + "\"\ntls-key = \"" + key + "\"\n";
    CHECK(refusal(dir, "open.toml", named) ==
          p + "open.toml line 2: tls-key: " + key +
              ": readable by others (mode 0644); make it 0600, or 0640 for a group of readers\n");
    REQUIRE(::chmod(key.c_str(), 0640) == 0);
    const auto group = writeFileWithMode(dir, "group.toml", named);
    const CommandRun ok = runBinary("doorpost-central", "config check " + group);
    INFO(ok.err);
    CHECK(ok.exitCode == 0);
}

TEST_CASE("doorpost-central --config: the file's keys reach every command, the command line wins",
          "[central][config]") {
    TempDir dir;
    const std::string fromFile = dir.file("from-file");
    const std::string fromLine = dir.file("from-line");
    const auto config = writeFileWithMode(dir, "central.toml",
                                          "data-dir = \"" + fromFile +
                                              "\"\nquiet-after = 7\n"
                                              "host = \"0.0.0.0\"\nport = 0\n");
    const std::string central = "--config " + config + " ";

    // data-dir (a global option) and quiet-after (an option of `devices list`) from the file.
    const CommandRun enrolled = runBinary("doorpost-central", central + "enroll door-1 --json");
    INFO(enrolled.err);
    REQUIRE(enrolled.exitCode == 0);
    const CommandRun listed = runBinary("doorpost-central", central + "devices list --json");
    REQUIRE(listed.exitCode == 0);
    const auto devices = jsonLines(listed.out);
    REQUIRE(devices.size() == 1);
    CHECK(devices[0]["device"] == "door-1");

    // The command line's --data-dir wins: another, empty central.
    const CommandRun other =
        runBinary("doorpost-central", central + "--data-dir " + fromLine + " devices list --json");
    REQUIRE(other.exitCode == 0);
    CHECK(other.out.empty());
    CHECK(std::filesystem::exists(fromLine + "/central.db"));

    // serve takes host and port from the file: 0.0.0.0 without TLS is refused...
    const CommandRun open = runBinary("doorpost-central", central + "serve --json");
    CHECK(open.exitCode == 2);
    CHECK(open.err.rfind("doorpost-central: --host 0.0.0.0: plain HTTP beyond loopback", 0) == 0);
    // ...and --host on the command line wins over it.
    const CommandRun served = serveBriefly(central + "serve --host 127.0.0.1 --json");
    INFO(served.err);
    CHECK(served.exitCode == 0);
    const auto listening = jsonLines(served.out);
    REQUIRE(!listening.empty());
    CHECK(listening[0]["listening"] == "127.0.0.1");
    CHECK(listening[0]["port"].get<int>() > 0);
    CHECK(listening[0]["tls"] == false);

    // A bad file stops every command before it runs, with one line and exit 2.
    const auto broken =
        writeFileWithMode(dir, "broken.toml", "data-dir = \"" + fromFile + "\"\nthreds = 4\n");
    const CommandRun refused = runBinary("doorpost-central", "--config " + broken + " keys");
    CHECK(refused.exitCode == 2);
    CHECK(refused.err ==
          "doorpost-central: " + broken + " line 2: threds: unknown key (no option --threds)\n");
}

TEST_CASE("serve takes the TLS certificate and key from $CREDENTIALS_DIRECTORY",
          "[central][config]") {
    TempDir dir;
    const std::string credentials = dir.file("credentials");
    REQUIRE(::mkdir(credentials.c_str(), 0700) == 0);
    const CommandRun made =
        runCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
                   "-subj /CN=127.0.0.1 -keyout " +
                   credentials + "/tls-key -out " + credentials + "/tls-cert");
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    REQUIRE(::chmod((credentials + "/tls-key").c_str(), 0400) == 0);
    const auto config = writeFileWithMode(dir, "central.toml",
                                          "data-dir = \"" + dir.file("data") + "\"\nport = 0\n");

    const CommandRun https = serveBriefly("--config " + config + " serve --json",
                                          "CREDENTIALS_DIRECTORY=" + credentials);
    INFO(https.err);
    CHECK(https.exitCode == 0);
    auto lines = jsonLines(https.out);
    REQUIRE(!lines.empty());
    CHECK(lines[0]["tls"] == true);

    // Without the credentials (each is optional in the unit) it serves plain HTTP on loopback.
    const CommandRun plain = serveBriefly("--config " + config + " serve --json",
                                          "CREDENTIALS_DIRECTORY=" + dir.file("none"));
    CHECK(plain.exitCode == 0);
    lines = jsonLines(plain.out);
    REQUIRE(!lines.empty());
    CHECK(lines[0]["tls"] == false);
}

TEST_CASE("the central's data folder is 0700 and its store 0600 under umask 022",
          "[central][config]") {
    TempDir dir;
    const std::string data = dir.file("var/lib/central");
    const CommandRun made =
        runCommand("umask 022; " + bin("doorpost-central") + " --data-dir " + data + " keys && " +
                   bin("doorpost-central") + " --data-dir " + data + " enroll door-1 --json");
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    CHECK(fileMode(data) == 0700);
    CHECK(fileMode(data + "/keys") == 0700);
    CHECK(fileMode(data + "/central.db") == 0600);
    for (const char* side : {"-wal", "-shm"}) {
        if (std::filesystem::exists(data + "/central.db" + side)) {
            CHECK(fileMode(data + "/central.db" + side) == 0600);
        }
    }
    // A parent it had to make is an ordinary folder; only the data folder itself is private.
    CHECK(fileMode(dir.file("var/lib")) == 0755);

    // The store first (no keys yet), in a fresh folder: the same.
    const std::string second = dir.file("second");
    const CommandRun enrolled = runCommand("umask 022; " + bin("doorpost-central") +
                                           " --data-dir " + second + " enroll door-1 --json");
    REQUIRE(enrolled.exitCode == 0);
    CHECK(fileMode(second) == 0700);
    CHECK(fileMode(second + "/central.db") == 0600);
}
