// The configuration file and secrets both binaries read (storage/base/config_file.hpp,
// secret_file.hpp, command_line_config.hpp), on a small CLI11 program shaped like theirs: a
// global option, two subcommands sharing an option, a flag, a checked value and a secret.

#include "storage/base/command_line_config.hpp"
#include "storage/base/config_file.hpp"
#include "storage/base/secret_file.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

using namespace doorpost;
using doorpost::test::TempDir;

namespace {

void writeFile(const std::string& path, const std::string& text, mode_t mode = 0600) {
    std::ofstream(path, std::ios::binary) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
}

ConfigRules testRules() {
    ConfigRules rules;
    rules.program = "prog";
    rules.secrets = {{"token", "PROG_TEST_TOKEN"}};
    rules.commandLineOnly = {"json", "config", "help"};
    rules.tables = {"profiles"};
    return rules;
}

// What the subcommands saw when their callbacks ran.
struct Seen {
    std::string config;
    std::string db = "default.db";
    std::string lang = "zh";
    std::string central;
    std::string token;
    int port = 0;
    bool noSound = false;
    bool json = false;
    std::string ranWith; // the values the subcommand's callback saw, "" when it did not run
};

struct Program {
    CLI::App app{"test program", "prog"};
    Seen seen;

    Program() {
        app.require_subcommand(1);
        app.add_option("--config", seen.config);
        app.add_option("--db", seen.db);
        CLI::App* run = app.add_subcommand("run");
        run->add_option("--lang", seen.lang)->check(CLI::IsMember({"zh", "en"}));
        run->add_option("--central", seen.central);
        run->add_option("--token", seen.token)->envname("PROG_TEST_TOKEN");
        run->add_option("--port", seen.port);
        run->add_flag("--no-sound", seen.noSound);
        run->add_flag("--json", seen.json);
        run->callback([this] { seen.ranWith = summary(); });
        CLI::App* sync = app.add_subcommand("sync");
        sync->add_option("--central", seen.central);
        sync->add_option("--token", seen.token)->envname("PROG_TEST_TOKEN");
        sync->callback([this] { seen.ranWith = summary(); });
        installCommandLineConfig(app, seen.config, testRules());
    }

    std::string summary() const {
        return seen.db + " " + seen.lang + " " + seen.central + " " + seen.token + " " +
               std::to_string(seen.port) + (seen.noSound ? " quiet" : " sound");
    }

    // The exit code main would return: 0, or CLI11's code for what stopped the parse.
    int parse(std::vector<std::string> args) {
        std::vector<const char*> argv{"prog"};
        for (const auto& arg : args) {
            argv.push_back(arg.c_str());
        }
        try {
            app.parse(static_cast<int>(argv.size()), argv.data());
        } catch (const CLI::ParseError& error) {
            return app.exit(error);
        }
        return 0;
    }
};

// Sets (or unsets, with nullptr) an environment variable for one scope.
struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string variable, const char* value) : name(std::move(variable)) {
        if (value != nullptr) {
            ::setenv(name.c_str(), value, 1);
        } else {
            ::unsetenv(name.c_str());
        }
    }
    ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

} // namespace

TEST_CASE("config file: keys, types and lines as written") {
    auto file = parseConfigText("# comment\n"
                                "db = \"/var/lib/x/x.db\"   # trailing comment\n"
                                "\n"
                                "port = 8443\n"
                                "no-sound = true\n"
                                "[profiles.night]\n"
                                "base = \"transit\"\n",
                                "k.toml");
    REQUIRE(file);
    REQUIRE(file->values.size() == 4);
    CHECK(file->values[0].key == "db");
    CHECK(file->values[0].text == "/var/lib/x/x.db");
    CHECK(file->values[0].line == 2);
    CHECK(file->values[1].key == "port");
    CHECK(file->values[1].type == ConfigValue::Type::Integer);
    CHECK(file->values[1].text == "8443");
    CHECK(file->values[2].type == ConfigValue::Type::Boolean);
    CHECK(file->values[2].text == "true");
    CHECK(file->values[3].key == "profiles");
    CHECK(file->values[3].type == ConfigValue::Type::Table);
    CHECK(file->values[3].line == 6);

    auto broken = parseConfigText("db = \"a\"\nlang = zh\n", "k.toml");
    REQUIRE(!broken);
    CHECK(broken.error().message.rfind("k.toml line 2: ", 0) == 0);

    auto missing = readConfigFile("/nonexistent/k.toml");
    REQUIRE(!missing);
    CHECK(missing.error().message == "config: cannot read /nonexistent/k.toml");
}

TEST_CASE("the file fills what the command line left, in the chosen subcommand only") {
    TempDir dir;
    const auto config = dir.file("k.toml");
    writeFile(config, "db = \"from-file.db\"\n"
                      "lang = \"en\"\n"
                      "central = \"https://central.test\"\n"
                      "port = 8443\n"
                      "no-sound = true\n"
                      "[profiles.night]\n"
                      "base = \"transit\"\n");

    SECTION("file values reach the global option and the subcommand") {
        Program program;
        REQUIRE(program.parse({"--config", config, "run"}) == 0);
        CHECK(program.seen.ranWith == "from-file.db en https://central.test  8443 quiet");
    }
    SECTION("the command line wins, key by key") {
        Program program;
        REQUIRE(program.parse({"--config", config, "--db", "cli.db", "run", "--lang", "zh",
                               "--no-sound=false"}) == 0);
        CHECK(program.seen.ranWith == "cli.db zh https://central.test  8443 sound");
    }
    SECTION("a key shared by two subcommands applies to whichever runs") {
        Program program;
        REQUIRE(program.parse({"--config", config, "sync"}) == 0);
        CHECK(program.seen.central == "https://central.test");
        CHECK(program.seen.lang == "zh"); // `run` did not run: its options keep their defaults
    }
    SECTION("without --config nothing is read") {
        Program program;
        REQUIRE(program.parse({"run"}) == 0);
        CHECK(program.seen.ranWith == "default.db zh   0 sound");
    }
}

TEST_CASE("a bad file stops the program before any subcommand runs, naming line and key") {
    TempDir dir;
    const auto config = dir.file("k.toml");
    auto refused = [&](const std::string& text) {
        writeFile(config, text);
        Program program;
        const int code = program.parse({"--config", config, "run"});
        CHECK(program.seen.ranWith.empty());
        return code;
    };
    CHECK(refused("db = \"a.db\"\nlnag = \"en\"\n") == 2); // unknown key, line 2
    CHECK(refused("lang = \"fr\"\n") == 2);                // the option's own check
    CHECK(refused("token = \"secret\"\n") == 2);           // a secret
    CHECK(refused("json = true\n") == 2);                  // command line only
    CHECK(refused("no-sound = \"yes\"\n") == 2);           // a flag takes true/false
    CHECK(refused("port = true\n") == 2);                  // a value is not a flag
    CHECK(refused("port = \"eighty\"\n") == 2);            // not a number
    CHECK(refused("[camera]\nx = 1\n") == 2);              // unknown section
    CHECK(refused("lang = [\"en\"]\n") == 2);              // a list
    CHECK(refused("lang = \"en\"\nlang = \"zh\"\n") == 2); // TOML syntax: a repeat

    Program program;
    CHECK(program.parse({"--config", dir.file("absent.toml"), "run"}) == 2);
}

TEST_CASE("config check names the bad key and its line") {
    Program program;
    const ConfigRules rules = testRules();
    auto check = [&](const std::string& text) -> std::string {
        auto file = parseConfigText(text, "k.toml");
        if (!file) {
            return file.error().message;
        }
        auto checked = checkConfigFile(program.app, *file, rules);
        return checked ? "ok" : checked.error().message;
    };
    CHECK(check("db = \"a.db\"\ncentral = \"https://c\"\n[profiles.x]\n") == "ok");
    CHECK(check("db = \"a.db\"\n\nlnag = \"en\"\n") ==
          "k.toml line 3: lnag: unknown key (no option --lnag)");
    CHECK(check("lang = \"fr\"\n").rfind("k.toml line 1: lang = fr: ", 0) == 0);
    CHECK(check("token = \"abc\"\n") ==
          "k.toml line 1: token: a secret is never written in a configuration file; use the "
          "credential token or token-file = \"FILE\"");
    CHECK(check("json = true\n") ==
          "k.toml line 1: json: given on the command line only, not in a configuration file");
    CHECK(check("no-sound = 1\n") == "k.toml line 1: no-sound: expected true or false, not an "
                                     "integer");
    CHECK(check("x = 1\n[camera]\n") == "k.toml line 1: x: unknown key (no option --x)");
    CHECK(check("[camera]\n") == "k.toml line 1: camera: unknown section [camera]");
}

TEST_CASE("secrets: credential, -file and environment, in that order of weakness") {
    TempDir dir;
    const auto credentials = dir.path() / "credentials";
    std::filesystem::create_directory(credentials);
    writeFile((credentials / "token").string(), "from-credential\n", 0400);
    const auto tokenFile = dir.file("token.txt");
    writeFile(tokenFile, "from-file\n");
    ScopedEnv directory("CREDENTIALS_DIRECTORY", credentials.c_str());
    ScopedEnv token("PROG_TEST_TOKEN", nullptr);

    SECTION("the credential, without its trailing newline") {
        Program program;
        REQUIRE(program.parse({"sync"}) == 0);
        CHECK(program.seen.token == "from-credential");
    }
    SECTION("--token-file, also as a key of the file") {
        Program program;
        REQUIRE(program.parse({"sync", "--token-file", tokenFile}) == 0);
        CHECK(program.seen.token == "from-file");
        const auto config = dir.file("k.toml");
        writeFile(config, "token-file = \"" + tokenFile + "\"\n");
        Program configured;
        REQUIRE(configured.parse({"--config", config, "sync"}) == 0);
        CHECK(configured.seen.token == "from-file");
    }
    SECTION("the environment and the command line win over both") {
        ScopedEnv fromEnvironment("PROG_TEST_TOKEN", "from-environment");
        Program program;
        REQUIRE(program.parse({"sync"}) == 0);
        CHECK(program.seen.token == "from-environment");
        Program given;
        REQUIRE(given.parse({"sync", "--token", "from-command-line"}) == 0);
        CHECK(given.seen.token == "from-command-line");
    }
    SECTION("a secret readable by group or others is refused, whatever its source") {
        writeFile((credentials / "token").string(), "leaked\n", 0440);
        Program program;
        CHECK(program.parse({"sync"}) == 2);
        CHECK(program.seen.ranWith.empty());
        writeFile(tokenFile, "leaked\n", 0604);
        Program fromFile;
        CHECK(fromFile.parse({"sync", "--token-file", tokenFile}) == 2);
        CHECK(fromFile.seen.ranWith.empty());
    }
    SECTION("no CREDENTIALS_DIRECTORY, or no such credential: the option stays unset") {
        ScopedEnv none("CREDENTIALS_DIRECTORY", nullptr);
        Program program;
        REQUIRE(program.parse({"sync"}) == 0);
        CHECK(program.seen.token.empty());
    }
}

TEST_CASE("readSecretFile refuses what others can read and names the mode") {
    TempDir dir;
    const auto path = dir.file("secret");
    writeFile(path, "s3cret\r\n\n", 0600);
    auto ok = readSecretFile(path, "token");
    REQUIRE(ok);
    CHECK(*ok == "s3cret");

    writeFile(path, "s3cret\n", 0644);
    auto open = readSecretFile(path, "token");
    REQUIRE(!open);
    CHECK(open.error().message ==
          "token: " + path + ": readable by group or others (mode 0644); make it 0600 or 0400");
    CHECK(open.error().message.find("s3cret") == std::string::npos);

    writeFile(path, "\n", 0600);
    CHECK(!readSecretFile(path, "token"));
    CHECK(!readSecretFile(dir.path().string(), "token")); // a folder
    CHECK(!readSecretFile(dir.file("absent"), "token"));
}
