// Doors pulling each other on loopback (sync/peer): a puller against a real peer server, and
// two mesh nodes finding each other through the site set, converging exactly once.

#include "sync/peer/mesh.hpp"
#include "sync/peer/mesh_status.hpp"
#include "sync/peer/peer_puller.hpp"
#include "sync/peer/peer_server.hpp"
#include "tests/sync/peer/peer_door.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

namespace doorpost::sync::peer {
namespace {

using namespace std::chrono_literals;
using test::PeerDoor;
using test::waitFor;

PeerServerOptions serverOn(const PeerDoor& door) {
    PeerServerOptions options;
    options.dbPath = door.path();
    return options;
}

bool holdsAll(PeerDoor& holder, PeerDoor& source) {
    const auto head = source.head();
    const auto held = holder.held(source.device(), head.epoch);
    return held && held->seq == head.lastSeq && held->hash == head.headHash;
}

TEST_CASE("A puller takes a peer's whole chain, then each new admission within a second",
          "[peer][mesh]") {
    // The figure in the INFO line (run with -s) is what docs/mesh.md quotes for loopback.
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    PeerServer server(serverOn(a), a.key());
    auto port = server.start();
    REQUIRE(port);
    const std::vector<storage::SiteDoor> site{
        a.siteDoor("site-1", "127.0.0.1:" + std::to_string(*port)), b.siteDoor("site-1", "")};
    a.publish(site);
    b.publish(site);
    a.admit(1234); // more than two answers' worth

    PeerPuller puller({"door-a", "127.0.0.1:" + std::to_string(*port), a.key().publicKeyHex},
                      test::fastPull(b));
    puller.start();
    REQUIRE(waitFor([&] { return holdsAll(b, a); }, 30s));
    CHECK(b.peerEventRows() == 1234);

    // One admission at a time: B knows each within a second (a long poll is waiting for it).
    constexpr int kSingles = 200;
    std::vector<double> ms;
    for (int i = 0; i < kSingles; ++i) {
        const auto start = std::chrono::steady_clock::now();
        a.admit(1, "late-" + std::to_string(i));
        REQUIRE(waitFor([&] { return holdsAll(b, a); }, 1s));
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    const double p50 = ms[kSingles / 2];
    const double p99 = ms[kSingles * 99 / 100];
    INFO("admission at A to known at B, ms over " << kSingles << ": p50 " << p50 << ", p99 " << p99
                                                  << ", max " << ms.back());
    CHECK(p99 < 1000);
    CHECK(b.peerEventRows() == 1234 + kSingles);
    auto peers = storage::PeerLog::open(b.db());
    REQUIRE(peers);
    auto seen = peers->lastAdmission("late-0-0");
    REQUIRE(seen);
    REQUIRE(*seen);
    CHECK((*seen)->device == "door-a");
    CHECK((*seen)->seq == 1235);

    const PeerStatus status = puller.status();
    CHECK(status.reachable);
    CHECK(status.heldSeq == 1234 + kSingles);
    CHECK(status.stored == 1234 + kSingles);
    CHECK(status.failuresInARow == 0);
    CHECK(server.counters().refused == 0);
}

TEST_CASE("A peer that starts a new database is followed from seq 1 of its new epoch",
          "[peer][mesh]") {
    PeerDoor b("door-b");
    std::string firstEpoch;
    {
        PeerDoor a("door-a");
        // Same id, same key in both of A's lives would need the key copied; a new database
        // makes a new key, which the central publishes with the door's new enrolment.
        PeerServer server(serverOn(a), a.key());
        auto port = server.start();
        REQUIRE(port);
        b.publish(
            {a.siteDoor("site-1", "127.0.0.1:" + std::to_string(*port)), b.siteDoor("site-1", "")});
        a.publish({a.siteDoor("site-1", ""), b.siteDoor("site-1", "")});
        a.admit(3);
        firstEpoch = a.head().epoch;
        PeerPuller puller({"door-a", "127.0.0.1:" + std::to_string(*port), a.key().publicKeyHex},
                          test::fastPull(b));
        puller.start();
        REQUIRE(waitFor([&] { return holdsAll(b, a); }, 10s));
    }
    PeerDoor again("door-a");
    PeerServer server(serverOn(again), again.key());
    auto port = server.start();
    REQUIRE(port);
    const std::vector<storage::SiteDoor> site{
        again.siteDoor("site-1", "127.0.0.1:" + std::to_string(*port)), b.siteDoor("site-1", "")};
    b.publish(site);
    again.publish(site);
    again.admit(2);
    PeerPuller puller({"door-a", "127.0.0.1:" + std::to_string(*port), again.key().publicKeyHex},
                      test::fastPull(b));
    puller.start();
    REQUIRE(waitFor([&] { return holdsAll(b, again); }, 10s));
    CHECK(b.held("door-a", firstEpoch)->seq == 3);
    CHECK(b.peerEventRows() == 5);
}

TEST_CASE("Two mesh nodes find each other through the site set and converge", "[peer][mesh]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    PeerDoor c("door-c"); // in the site set, never running: known, not reachable
    MeshOptions options;
    options.listen = "127.0.0.1:0";
    options.refreshEvery = 50ms;
    options.wait = 300ms;
    options.backoffBase = 10ms;
    options.backoffCap = 100ms;
    options.touchEvery = 100ms;
    MeshOptions forA = options;
    forA.dbPath = a.path();
    MeshOptions forB = options;
    forB.dbPath = b.path();
    Mesh meshA(forA);
    Mesh meshB(forB);
    REQUIRE(meshA.start());
    REQUIRE(meshB.start());
    CHECK(meshA.status().known == 0);

    a.admit(300, "at-a");
    b.admit(200, "at-b");
    const std::vector<storage::SiteDoor> site{
        a.siteDoor("site-1", "127.0.0.1:" + std::to_string(meshA.status().port)),
        b.siteDoor("site-1", "127.0.0.1:" + std::to_string(meshB.status().port)),
        c.siteDoor("site-1", "")};
    a.publish(site);
    b.publish(site);
    REQUIRE(waitFor([&] { return holdsAll(b, a) && holdsAll(a, b); }, 30s));
    CHECK(a.peerEventRows() == 200);
    CHECK(b.peerEventRows() == 300);

    REQUIRE(waitFor([&] { return meshB.status().reachable == 1; }, 5s));
    const MeshStatus status = meshB.status();
    CHECK(status.running);
    CHECK(status.ownDevice == "door-b");
    CHECK(status.known == 2);
    CHECK(status.oldestAgeMs >= 0);
    CHECK(status.oldestAgeMs < 2000);
    REQUIRE(status.peers.size() == 2);
    for (const auto& peer : status.peers)
        if (peer.device == "door-c")
            CHECK_THAT(peer.lastError, Catch::Contains("no address"));

    // What `doorpost status` reads from the database, in another process.
    auto stored = readStoredMesh(b.db(), "door-b",
                                 std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
    REQUIRE(stored);
    CHECK(stored->known == 2);
    CHECK(stored->fresh == 1);
    CHECK(stored->oldestAgeMs >= 0);

    // A door whose address is withdrawn stops being pulled (and door-c left the set); what was
    // pulled of it stays.
    b.publish({a.siteDoor("site-1", ""), b.siteDoor("site-1", "")});
    REQUIRE(waitFor([&] { return meshB.status().reachable == 0; }, 5s));
    CHECK(meshB.status().known == 1);
    CHECK(b.peerEventRows() == 300);
    meshA.stop();
    meshB.stop();
    CHECK_FALSE(meshB.status().running);
}

TEST_CASE("A --mesh-peer value names a door's address and a malformed one is refused",
          "[peer][mesh]") {
    auto ok = parseMeshPeer("door-a=192.168.1.20:7420");
    REQUIRE(ok);
    CHECK(ok->first == "door-a");
    CHECK(ok->second == "192.168.1.20:7420");
    CHECK_THAT(parseMeshPeer("door-a").error().message, Catch::Contains("DEVICE=HOST:PORT"));
    CHECK_FALSE(parseMeshPeer("door a=1.2.3.4:5"));
    CHECK_FALSE(parseMeshPeer("door-a=1.2.3.4"));
    CHECK_FALSE(parseMeshPeer("door-a=1.2.3.4:0"));
}

} // namespace
} // namespace doorpost::sync::peer
