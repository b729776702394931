// `doorpost bench export`, run as the real binary on a small log: that the generator still
// matches the storage schema (a migration once broke it) and the output contract holds. The
// speed is the benchmark's business, not this test's.

#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

using doorpost::test::TempDir;
namespace fs = std::filesystem;
using doorpost::test::runBinary;

TEST_CASE("bench export generates, exports and verifies a small log, then cleans up") {
    TempDir dir;
    // --dir names a folder that does not exist yet: the bench makes it.
    const auto work = dir.file("bench/nested");
    const auto run = runBinary("doorpost", "bench export --events 2000 --dir " + work);
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto values = doorpost::test::nameValueLines(run.out);
    CHECK(values.at("events") == "2000");
    CHECK(values.at("verify_ok") == "1");
    for (const char* name : {"export_s", "export_cpu_s", "verify_s", "verify_cpu_s", "baseline_s",
                             "ratio", "verify_ratio"}) {
        REQUIRE(values.count(name) == 1);
        CHECK(std::stod(values.at(name)) >= 0.0);
    }
    CHECK(std::stoll(values.at("jsonl_bytes")) > 2000 * 300);
    CHECK(std::stoll(values.at("csv_bytes")) > 2000 * 100);
    // The work folder inside --dir is removed; --dir itself stays.
    REQUIRE(fs::is_directory(work));
    CHECK(fs::is_empty(work));
}

TEST_CASE("bench export refuses a bad --events and an impossible --dir in one line") {
    TempDir dir;
    const auto badEvents = runBinary("doorpost", "bench export --events 0");
    CHECK(badEvents.exitCode == 2);
    CHECK(badEvents.err.find("--events") != std::string::npos);
    {
        std::FILE* file = std::fopen(dir.file("a-file").c_str(), "w");
        REQUIRE(file != nullptr);
        std::fclose(file);
    }
    const auto badDir =
        runBinary("doorpost", "bench export --events 10 --dir " + dir.file("a-file") + "/sub");
    CHECK(badDir.exitCode == 3);
    CHECK(badDir.err.find("--dir") != std::string::npos);
    CHECK(std::count(badDir.err.begin(), badDir.err.end(), '\n') == 1);
}
