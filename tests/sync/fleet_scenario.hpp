#pragma once
// The fleet after an outage at test size: `doorpost-central bench fleet` (N doors with their own
// enrolment, keep-alive connection and hash-chained backlog, all at once) run as a command, its
// name=value output checked: every door drained, every event exactly once, no 5xx.

#include "tests/sync/sync_harness.hpp"

#include <map>
#include <string>

namespace doorpost::sync::test {

struct FleetSize {
    int doors = 30;
    int events = 200;
    int trickle = 0;
};

// Runs the bench for one store ("sqlite" or "postgres") and returns its name=value lines after
// checking them; with "postgres", `postgresServer` is the server URL.
std::map<std::string, std::string> runFleet(const std::string& store, const FleetSize& size,
                                            const std::string& postgresServer = "");

} // namespace doorpost::sync::test
