#pragma once
// `doorpost-central serve` as a child process on a free loopback port, for the end-to-end
// verify-export tests: started in the constructor, SIGKILLed (and reaped) in the destructor,
// and restartable over the same store (the key history test restarts it).

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/export_fixture.hpp"
#include "tests/support/command_run.hpp"

namespace doorpost::test {

class CentralServe {
public:
    // `store`: the SQLite file; `dataDir`: the central's --data-dir (made here), which also
    // holds the port file and the log.
    CentralServe(std::string store, std::string dataDir)
        : m_store(std::move(store)), m_dataDir(std::move(dataDir)) {
        std::filesystem::create_directories(m_dataDir);
        start();
    }
    ~CentralServe() { stop(); }
    CentralServe(const CentralServe&) = delete;
    CentralServe& operator=(const CentralServe&) = delete;

    void start() {
        const std::string portFile = m_dataDir + "/central.port";
        const std::string log = m_dataDir + "/central.log";
        std::filesystem::remove(portFile);
        std::vector<std::string> argv = {bin("doorpost-central"), "--data-dir", m_dataDir, "--store",
                                         m_store, "serve", "--port", "0", "--port-file", portFile};
        std::vector<char*> args;
        for (auto& arg : argv) {
            args.push_back(arg.data());
        }
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int rc = posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(rc == 0);
        // It writes the port file once it listens; bounded wait (20 s, for sanitized builds).
        for (int i = 0; i < 2000 && trimmed(storage::test::readText(portFile)).empty(); ++i) {
            int status = 0;
            REQUIRE(::waitpid(m_pid, &status, WNOHANG) == 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        const std::string port = trimmed(storage::test::readText(portFile));
        REQUIRE_FALSE(port.empty());
        m_url = "http://127.0.0.1:" + port;
    }

    void stop() {
        if (m_pid <= 0) {
            return;
        }
        ::kill(m_pid, SIGKILL);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
    }

    const std::string& url() const { return m_url; }
    std::string enroll(const std::string& name) const {
        auto run = runCommand(bin("doorpost-central") + " --data-dir " + m_dataDir + " --store " +
                              m_store + " enroll " + name);
        INFO(run.err);
        REQUIRE(run.exitCode == 0);
        return trimmed(run.out);
    }

    static std::string bin(const char* name) { return std::string(DOORPOST_BIN_DIR) + "/" + name; }
    static std::string trimmed(std::string text) {
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
            text.pop_back();
        }
        return text;
    }

private:
    std::string m_store;
    std::string m_dataDir;
    std::string m_url;
    pid_t m_pid = -1;
};

} // namespace doorpost::test
