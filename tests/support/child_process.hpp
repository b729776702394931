#pragma once
// Child processes the end-to-end tests start: any binary (posix_spawn, output to a log), and
// `doorpost-central serve` on loopback, SIGKILLed at will and restartable over the same store.
// Shared by the sync tests (SIGKILL scenarios) and the verify-export tests.

#include <string>
#include <sys/types.h>
#include <vector>

namespace doorpost::test {

// posix_spawn with stdout and stderr appended to `logFile` (/dev/null when empty); the pid.
pid_t spawnProcess(const std::vector<std::string>& argv, const std::string& logFile = "");
int waitProcess(pid_t pid); // exit status, or 128+signal

class CentralProcess {
public:
    // `location`: the store (a SQLite file or a postgresql:// URL); `port` 0 takes a free one;
    // `dir`: its --data-dir (made here), which also holds the port file and central.log.
    CentralProcess(std::string location, int port, std::string dir);
    ~CentralProcess();
    CentralProcess(const CentralProcess&) = delete;
    CentralProcess& operator=(const CentralProcess&) = delete;

    void start(); // returns once it listens; after a restart with port 0 the port may change
    void kill();  // SIGKILL and reap
    bool running() const { return m_pid > 0; }
    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    // `doorpost-central enroll NAME` over the same store and data dir: the device's token.
    std::string enroll(const std::string& name) const;

private:
    std::string m_location;
    int m_requestedPort;
    int m_port;
    std::string m_dir;
    pid_t m_pid = -1;
};

} // namespace doorpost::test
