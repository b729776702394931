// The mesh in the real binary: two doors run headless with --mesh-listen on loopback, each
// holds the other's chain (one admission made while they run within a second), the peers chip
// counts the other door, and `doorpost status --json` shows it from the database.

#include "tests/support/command_run.hpp"
#include "tests/support/free_port.hpp"
#include "tests/sync/peer/peer_door.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace doorpost::sync::peer {
namespace {

using namespace std::chrono_literals;
using doorpost::test::freePort;
using doorpost::test::runBinary;
using test::PeerDoor;
using test::waitFor;

bool holdsAll(PeerDoor& holder, PeerDoor& source) {
    const auto head = source.head();
    const auto held = holder.held(source.device(), head.epoch);
    return held && held->seq == head.lastSeq && held->hash == head.headHash;
}

TEST_CASE("doorpost run with --mesh-listen: two doors hold each other's chains", "[peer][run]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    a.admit(5, "at-a");
    b.admit(2, "at-b");
    const std::string addressA = "127.0.0.1:" + std::to_string(freePort());
    const std::string addressB = "127.0.0.1:" + std::to_string(freePort());
    const std::vector<storage::SiteDoor> site{a.siteDoor("site-1", addressA),
                                              b.siteDoor("site-1", addressB)};
    a.publish(site);
    b.publish(site);
    // ~16 s of frames: the chips' status is read at start and every 10 s.
    const std::string run = " run --headless --synthetic --no-usb --no-sound --frames 400 --json";
    doorpost::test::CommandRun runA;
    doorpost::test::CommandRun runB;
    std::thread doorA([&] {
        runA = runBinary("doorpost", "--db " + a.path() + run + " --mesh-listen " + addressA);
    });
    std::thread doorB([&] {
        runB = runBinary("doorpost", "--db " + b.path() + run + " --mesh-listen " + addressB);
    });
    const bool converged = waitFor([&] { return holdsAll(b, a) && holdsAll(a, b); }, 20s);
    bool fresh = false;
    if (converged) {
        const auto start = std::chrono::steady_clock::now();
        a.admit(1, "while-running");
        fresh = waitFor([&] { return holdsAll(b, a); }, 1s);
        INFO("known at B after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - start)
                                        .count()
                                 << " ms");
        CHECK(fresh);
    }
    doorA.join();
    doorB.join();
    INFO("A: " << runA.err << "\nB: " << runB.err);
    REQUIRE(converged);
    REQUIRE(runB.exitCode == 0);
    const auto state = nlohmann::json::parse(runB.out);
    CHECK(state["peers_known"] == 1);
    CHECK(state["peers_reachable"] == 1);
    CHECK(state["peers_age_s"].get<int>() >= 0);
    CHECK_THAT(runB.err, Catch::Contains("mesh: peer door-a at " + addressA + " reachable"));

    auto status = runBinary("doorpost", "--db " + b.path() + " status --json");
    REQUIRE(status.exitCode == 0);
    const auto mesh = nlohmann::json::parse(status.out)["mesh"];
    CHECK(mesh["peers"] == 1);
    CHECK(mesh["doors"][0]["device"] == "door-a");
    CHECK(mesh["doors"][0]["seq"] == a.head().lastSeq); // with the doors' own system events
    CHECK(mesh["doors"][0]["address"] == addressA);
    CHECK(mesh["oldest_age_ms"].get<std::int64_t>() >= 0);
}

TEST_CASE("Malformed mesh options are bad input naming the option", "[peer][run]") {
    PeerDoor a("door-a");
    auto peer = runBinary("doorpost", "--db " + a.path() +
                                          " run --headless --frames 1 "
                                          "--mesh-peer door-b");
    CHECK(peer.exitCode == 2);
    CHECK_THAT(peer.err, Catch::Contains("--mesh-peer door-b: not DEVICE=HOST:PORT"));
    auto listen = runBinary("doorpost", "--db " + a.path() +
                                            " run --headless --frames 1 "
                                            "--mesh-listen 127.0.0.1");
    CHECK(listen.exitCode == 2);
    CHECK_THAT(listen.err, Catch::Contains("--mesh-listen"));
}

} // namespace
} // namespace doorpost::sync::peer
