#include "tests/sync/fleet_scenario.hpp"

#include "tests/support/command_run.hpp"

#include <catch2/catch.hpp>

namespace doorpost::sync::test {

std::map<std::string, std::string> runFleet(const std::string& store, const FleetSize& size,
                                            const std::string& postgresServer) {
    std::string arguments =
        "bench fleet --store " + store + " --doors " + std::to_string(size.doors) + " --events " +
        std::to_string(size.events) + " --trickle " + std::to_string(size.trickle);
    if (!postgresServer.empty())
        arguments += " --postgres '" + postgresServer + "'";
    const auto run = doorpost::test::runBinary("doorpost-central", arguments);
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    auto values = doorpost::test::nameValueLines(run.out);
    const std::string p = store + "_";
    CHECK(values.at(p + "ok") == "1");
    CHECK(std::stoi(values.at(p + "doors_drained")) == size.doors);
    CHECK(std::stoi(values.at(p + "exactly_once_doors")) == size.doors);
    CHECK(values.at(p + "answers_5xx") == "0");
    CHECK(values.at(p + "answers_4xx_other") == "0");
    CHECK(std::stod(values.at(p + "slowest_door_s")) >= std::stod(values.at(p + "fastest_door_s")));
    // No door waits longer than the whole drain, and a door's longest wait is a real figure.
    CHECK(std::stod(values.at(p + "longest_door_wait_s")) > 0);
    CHECK(std::stod(values.at(p + "longest_door_wait_s")) <=
          std::stod(values.at(p + "slowest_door_s")) + 0.001);
    WARN(store << " fleet " << size.doors << "x" << size.events << " trickle " << size.trickle
               << ": drain " << values.at(p + "drain_seconds") << " s, "
               << values.at(p + "events_per_s") << " events/s, p99 " << values.at(p + "push_p99_ms")
               << " ms, 429s " << values.at(p + "answers_429"));
    if (size.trickle > 0)
        CHECK(std::stoi(values.at(p + "trickle_still_open")) >= size.trickle * 9 / 10);
    return values;
}

} // namespace doorpost::sync::test
