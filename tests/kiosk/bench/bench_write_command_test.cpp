// `doorpost bench write`, run as the real binary on a few events: the output contract (not the
// speed, which is the benchmark's business).

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <sstream>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::runBinary;
using doorpost::test::TempDir;

TEST_CASE("bench write prints each commit, then the figures, and leaves a valid log") {
    TempDir dir;
    const auto path = dir.file("bench.db");
    const auto run = runBinary("doorpost", "--db " + path + " bench write --events 30 --block 7");
    REQUIRE(run.exitCode == 0);

    std::istringstream lines(run.out);
    std::string line;
    for (int seq = 1; seq <= 30; ++seq) {
        REQUIRE(std::getline(lines, line));
        CHECK(line == "committed " + std::to_string(seq));
    }
    std::map<std::string, double> figures;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        REQUIRE(eq != std::string::npos);
        figures[line.substr(0, eq)] = std::stod(line.substr(eq + 1));
    }
    for (const char* name :
         {"events_per_s", "p50_commit_ms", "p99_commit_ms", "baseline_events_per_s", "ratio",
          "cpu_us_per_event", "baseline_cpu_us_per_event"}) {
        INFO(name);
        REQUIRE(figures.count(name) == 1);
        CHECK(figures[name] > 0);
    }
    CHECK(figures["p50_commit_ms"] <= figures["p99_commit_ms"]);

    auto db = Database::open(path);
    REQUIRE(db);
    auto log = EventLog::open(*db);
    CHECK(log->status()->events == 30);
    CHECK(log->verifyChain()->ok);
    // The baseline's file is removed after the run.
    CHECK_FALSE(std::filesystem::exists(path + ".bench-baseline"));
}

TEST_CASE("bench write refuses a bad event count with exit 2") {
    TempDir dir;
    CHECK(runBinary("doorpost", "--db " + dir.file("b.db") + " bench write --events 0").exitCode ==
          2);
}
