#pragma once
// A deployment as the privacy tests need it, with the real binaries on loopback: a
// doorpost-central with a sealing key whose secret half is in an auditor's file, serving; a
// kiosk enrolled by `doorpost sync --once` (which brings it the subject secret); people
// registered by hand at it with `doorpost register`, then synced.

#include "tests/support/child_process.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace doorpost::test {

inline std::string binary(const char* name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

inline std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void writeText(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Valid GB 11643 numbers of three people (the product's checker accepts them when they are
// registered).
// The export period holding what a test records now: its events carry the wall clock (a
// decision time given with --at changes only the decision), so the period is the days around
// today in UTC, yesterday to tomorrow, whenever the suite runs (midnight included).
inline std::string periodAroundToday() {
    const auto day = [](int offset) {
        const std::time_t at = std::time(nullptr) + offset * 86400;
        std::tm utc{};
        gmtime_r(&at, &utc);
        char text[16];
        std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
        return std::string(text);
    };
    return "--from " + day(-1) + " --to " + day(1);
}

inline const std::vector<std::string>& registeredIds() {
    static const std::vector<std::string> ids = {"440305200109237893", "110105199003071239",
                                                 "310101198506124563"};
    return ids;
}

class Deployment {
public:
    explicit Deployment(const TempDir& dir, const std::string& passphrase = "correct horse 42")
        : m_dir(dir), m_passphrase(passphrase) {
        std::filesystem::create_directories(centralDir());
        writeText(passphraseFile(), passphrase + "\n");
        auto keys = central("keys --sealing-key-out " + sealingKeyFile() + " --passphrase-file " +
                            passphraseFile());
        INFO(keys.out << keys.err);
        REQUIRE(keys.exitCode == 0);
        m_process = std::make_unique<CentralProcess>(store(), 0, centralDir());
        m_process->start();
        m_token = m_process->enroll("door-1");
    }

    const TempDir& dir() const { return m_dir; }
    std::string centralDir() const { return m_dir.file("central"); }
    std::string store() const { return m_dir.file("central/central.db"); }
    std::string kioskDb() const { return m_dir.file("kiosk.db"); }
    std::string sealingKeyFile() const { return m_dir.file("auditor-seal-1.dpkey"); }
    std::string passphraseFile() const { return m_dir.file("passphrase.txt"); }
    std::string url() const { return m_process->url(); }

    CommandRun central(const std::string& args) const {
        return runCommand(binary("doorpost-central") + " --data-dir " + centralDir() + " --store " +
                          store() + " " + args);
    }
    CommandRun kiosk(const std::string& args) const {
        return runCommand(binary("doorpost") + " --db " + kioskDb() + " " + args);
    }
    void sync() const {
        auto run = kiosk("sync --central " + url() + " --token " + m_token + " --once --json");
        INFO(run.out << run.err);
        REQUIRE(run.exitCode == 0);
    }
    // The central's public keys (passes, the active sealing key) as a site imports them.
    void trustCentral() const {
        auto run = kiosk("trust add-key " + centralDir() + "/keys/public-keys.json");
        INFO(run.out << run.err);
        REQUIRE(run.exitCode == 0);
    }
    // Enrols (first sync: the subject secret), imports the public keys, registers each number
    // by hand, syncs again.
    void registerAndSync(const std::vector<std::string>& ids, const std::string& at) {
        sync();
        trustCentral();
        for (const auto& id : ids) {
            auto run = kiosk("register --id-type resident --id " + id +
                             " --reason no_phone --operator op1 --json --at " + at);
            INFO(run.out << run.err);
            REQUIRE(run.exitCode == 0);
        }
        sync();
    }

private:
    const TempDir& m_dir;
    std::string m_passphrase;
    std::unique_ptr<CentralProcess> m_process;
    std::string m_token;
};

} // namespace doorpost::test
