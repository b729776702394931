// Power-loss test (issue 2, "What it must show" 3). A forked child appends events through the
// fault VFS (tests/storage/fault_vfs.hpp), which keeps unsynced writes in memory; at a random
// I/O operation the power is cut: a random part of the unsynced writes reaches the disk, the
// rest is lost, and the child dies at once. Each seq the child reported committed (after
// append() returned) must survive with synchronous=FULL. The same scenario with
// synchronous=NORMAL, where a WAL commit is not synced, must lose reported commits: the negative
// control that shows the test can fail.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/storage/fault_vfs.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::storage;
using namespace doorpost::test;
using namespace doorpost::storage::test;

namespace {

constexpr int kCutExit = 77;

// In the child: append until the power cut ends the process; report each commit on `fd`.
[[noreturn]] void appendUntilCut(const std::string& path, Synchronous sync, std::int64_t cutAt,
                                 std::uint32_t seed, int fd) {
    FaultPlan& plan = faultPlan();
    plan = FaultPlan{};
    plan.bufferUnsynced = true;
    plan.cutAtOp = faultOpCount() + cutAt;
    plan.cutExitCode = kCutExit;
    plan.seed = seed;
    OpenOptions options;
    options.vfs = registerFaultVfs();
    options.synchronous = sync;
    auto db = Database::open(path, options);
    if (!db) {
        ::_exit(3);
    }
    // Checkpoint often, so cuts also land inside checkpoints (WAL -> database file).
    (void)db->exec("PRAGMA wal_autocheckpoint = 8");
    auto log = EventLog::open(*db);
    if (!log) {
        ::_exit(3);
    }
    for (int i = 0; i < 100000; ++i) {
        EventDraft draft;
        draft.subjectKey = "subject-" + std::to_string(i % 13);
        draft.verdict = Verdict::Admit;
        draft.detail = R"({"raw":"power-loss-test-payload-power-loss-test-payload"})";
        auto seq = log->append(draft);
        if (!seq) {
            ::_exit(3);
        }
        const std::string line = std::to_string(*seq) + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
            ::_exit(4);
        }
    }
    ::_exit(0);
}

struct Cycle {
    std::int64_t reported = 0; // highest seq the child reported committed
    std::int64_t stored = 0;   // last seq found after the cut
};

Cycle cutOnce(const std::string& path, Synchronous sync, std::int64_t cutAt, std::uint32_t seed) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        appendUntilCut(path, sync, cutAt, seed, fds[1]);
    }
    ::close(fds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == kCutExit); // the cut happened, nothing else failed

    Cycle cycle;
    if (const auto end = output.find_last_of('\n'); end != std::string::npos) {
        const auto start = output.find_last_of('\n', end - 1);
        cycle.reported = std::stoll(output.substr(start == std::string::npos ? 0 : start + 1));
    }
    // After the "reboot": the real unix VFS sees only what reached the disk.
    auto db = Database::open(path);
    REQUIRE(db);
    REQUIRE_FALSE(db->movedAside());
    auto log = EventLog::open(*db);
    REQUIRE(log);
    cycle.stored = log->status()->lastSeq;
    auto chain = log->verifyChain();
    REQUIRE(chain);
    CHECK(chain->ok);
    CHECK(*db->integrityCheck() == "ok");
    return cycle;
}

struct Outcome {
    int cycles = 0;
    int cyclesWithCommits = 0;
    int cyclesWithLoss = 0;
    std::int64_t lostEvents = 0;
};

Outcome runCycles(Synchronous sync, int cycles, std::uint32_t seed) {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    { REQUIRE(Database::open(path)); } // created and closed cleanly before the first cut
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::int64_t> cutAt(1, 400);
    Outcome outcome;
    std::int64_t stored = 0;
    for (int i = 0; i < cycles; ++i) {
        const Cycle cycle =
            cutOnce(path, sync, cutAt(random), static_cast<std::uint32_t>(random()));
        ++outcome.cycles;
        if (cycle.reported > stored) {
            ++outcome.cyclesWithCommits;
        }
        if (cycle.stored < cycle.reported) {
            ++outcome.cyclesWithLoss;
            outcome.lostEvents += cycle.reported - cycle.stored;
        }
        stored = cycle.stored;
    }
    return outcome;
}

} // namespace

TEST_CASE("Power loss: with synchronous=FULL no committed event is lost") {
    const Outcome outcome = runCycles(Synchronous::Full, 40, 11);
    INFO("cycles with commits " << outcome.cyclesWithCommits << ", lost " << outcome.lostEvents);
    CHECK(outcome.cyclesWithCommits >= 30); // the cuts fell among commits
    CHECK(outcome.cyclesWithLoss == 0);
    CHECK(outcome.lostEvents == 0);
}

TEST_CASE("Power loss negative control: with synchronous=NORMAL committed events are lost") {
    const Outcome outcome = runCycles(Synchronous::Normal, 40, 11);
    INFO("cycles with commits " << outcome.cyclesWithCommits << ", with loss "
                                << outcome.cyclesWithLoss << ", lost " << outcome.lostEvents);
    CHECK(outcome.cyclesWithCommits >= 30);
    // The model must be able to lose a commit, or the FULL case above proves nothing.
    CHECK(outcome.cyclesWithLoss >= 10);
}
