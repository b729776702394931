// Crash test (issue 2, "What it must show" 2): a child process appending events is killed with
// SIGKILL at random moments, 50 times; every seq it reported committed must be there afterwards,
// the chain must verify and PRAGMA integrity_check must say ok.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <poll.h>
#include <random>
#include <signal.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

// Starts the append child with its stdout on a pipe and kills it with SIGKILL: after it
// reported `waitForCommits` commits (0: at once, while it opens the database) and `thenWait`
// more. Returns the highest seq it reported as committed (`stored` if none). The database held
// `stored` events before, so the child's first commit must be seq stored + 1.
std::int64_t runAndKill(const std::string& dbPath, std::int64_t stored, int waitForCommits,
                        std::chrono::microseconds thenWait) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string child = std::string(DOORPOST_BIN_DIR) + "/doorpost_storage_append_child";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execl(child.c_str(), child.c_str(), dbPath.c_str(), "1000000",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string output;
    char buffer[4096];
    // Wait (at most 10 s) until enough commits were reported, so the kill lands among commits.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::count(output.begin(), output.end(), '\n') < waitForCommits &&
           std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{fds[0], POLLIN, 0};
        if (::poll(&pfd, 1, 100) > 0) {
            const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            output.append(buffer, static_cast<std::size_t>(n));
        }
    }
    std::this_thread::sleep_for(thenWait);
    ::kill(pid, SIGKILL);
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    // Killed by us, not failed on its own (a failure would hide the test).
    REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));

    std::int64_t last = stored;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (lines.eof()) {
            break; // a line cut short by the kill carries no promise
        }
        REQUIRE(line.rfind("committed ", 0) == 0);
        const std::int64_t seq = std::stoll(line.substr(10));
        REQUIRE(seq == last + 1); // the child reports every commit, in order
        last = seq;
    }
    return last;
}

} // namespace

TEST_CASE("SIGKILL at random moments loses no reported commit and corrupts nothing") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    std::mt19937 random(20261127);
    std::uniform_int_distribution<int> delayUs(0, 3000);
    std::uniform_int_distribution<int> commits(1, 6);
    std::int64_t reportedTotal = 0;
    int killsWithCommits = 0;
    std::int64_t lastSeqBefore = 0;

    for (int cycle = 0; cycle < 50; ++cycle) {
        // One kill in ten lands while the child opens the database; the rest among commits.
        const int waitFor = cycle % 10 == 0 ? 0 : commits(random);
        const std::int64_t reported =
            runAndKill(path, lastSeqBefore, waitFor, std::chrono::microseconds(delayUs(random)));
        if (reported > lastSeqBefore) {
            ++killsWithCommits;
            reportedTotal += reported - lastSeqBefore;
        }
        auto db = Database::open(path);
        REQUIRE(db);
        REQUIRE_FALSE(db->movedAside());
        auto log = EventLog::open(*db);
        REQUIRE(log);
        auto status = log->status();
        REQUIRE(status);
        INFO("cycle " << cycle << ": reported " << reported << ", stored " << status->lastSeq);
        // Every reported seq is there (the log is gapless: the verifier checks 1..last_seq).
        CHECK(status->lastSeq >= reported);
        auto chain = log->verifyChain();
        REQUIRE(chain);
        CHECK(chain->ok);
        CHECK(chain->problem.empty());
        CHECK(*db->integrityCheck() == "ok");
        lastSeqBefore = status->lastSeq;
    }
    // The kills must have landed while commits were happening, or the test shows nothing.
    CHECK(killsWithCommits >= 40);
    CHECK(reportedTotal > 100);
}
