#include "tests/support/child_process.hpp"

#include "tests/support/command_run.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace doorpost::test {
namespace {

std::string centralBinary() {
    return std::string(DOORPOST_BIN_DIR) + "/doorpost-central";
}

// The port the central wrote once it listens; 0 while the file is missing or still empty.
int portWritten(const std::string& portFile) {
    std::ifstream in(portFile);
    int port = 0;
    in >> port;
    return in ? port : 0;
}

} // namespace

pid_t spawnProcess(const std::vector<std::string>& argv, const std::string& logFile) {
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string out = logFile.empty() ? "/dev/null" : logFile;
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    return pid;
}

int waitProcess(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

CentralProcess::CentralProcess(std::string location, int port, std::string dir)
    : m_location(std::move(location)), m_requestedPort(port), m_port(port), m_dir(std::move(dir)) {
    std::filesystem::create_directories(m_dir);
}

CentralProcess::~CentralProcess() {
    if (m_pid > 0)
        kill();
}

void CentralProcess::start() {
    const std::string portFile = m_dir + "/central.port";
    std::filesystem::remove(portFile);
    m_pid = spawnProcess({centralBinary(), "--data-dir", m_dir, "--store", m_location, "serve",
                          "--port", std::to_string(m_requestedPort), "--port-file", portFile},
                         m_dir + "/central.log");
    // It writes the port file once its socket listens; bounded (20 s, for sanitized builds).
    for (int i = 0; i < 2000 && portWritten(portFile) == 0; ++i) {
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            FAIL("doorpost-central exited at start; see " << m_dir << "/central.log");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    m_port = portWritten(portFile);
    REQUIRE(m_port > 0);
}

void CentralProcess::kill() {
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGKILL);
    waitProcess(m_pid);
    m_pid = -1;
}

std::string CentralProcess::enroll(const std::string& name) const {
    auto run = runBinary("doorpost-central",
                         "--data-dir " + m_dir + " --store " + m_location + " enroll " + name);
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    std::string token = run.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
        token.pop_back();
    return token;
}

} // namespace doorpost::test
