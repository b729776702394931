// `doorpost bench mesh`, run as the real binary with a few admissions: every admission made at
// door A reaches door B through the mesh, and the output contract holds. The speed is the
// benchmark's business, not this test's.

#include "tests/support/command_run.hpp"

#include <catch2/catch.hpp>
#include <string>

using doorpost::test::runBinary;

TEST_CASE("bench mesh carries each admission from one door to the other and reports the delay") {
    const auto run = runBinary("doorpost", "bench mesh --admissions 20 --max-gap-ms 5");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const auto values = doorpost::test::nameValueLines(run.out);
    CHECK(values.at("mesh_admissions") == "20");
    const double commit = std::stod(values.at("mesh_commit_p50_ms"));
    const double p50 = std::stod(values.at("mesh_known_p50_ms"));
    const double p99 = std::stod(values.at("mesh_known_p99_ms"));
    CHECK(commit > 0.0);
    // Known at B only after it was committed at A, and the quantiles in order.
    CHECK(p50 >= commit);
    CHECK(p99 >= p50);
    CHECK(std::stod(values.at("mesh_known_max_ms")) >= p99);
    REQUIRE(values.count("mesh_within_target") == 1);
}

TEST_CASE("bench mesh refuses a bad --admissions in one line") {
    const auto run = runBinary("doorpost", "bench mesh --admissions 0");
    CHECK(run.exitCode == 2);
    CHECK(run.err.find("--admissions") != std::string::npos);
}
