// The fault proxy of the sync tests between two doors (tests/sync/fault_proxy.hpp): delays,
// resets mid-request, truncated answers, 500s, 503s and answers dropped, one per episode, while
// the peer keeps admitting. After every episode the puller holds the peer's whole chain, each
// record exactly once, the head hash the peer's own.

#include "sync/peer/peer_puller.hpp"
#include "sync/peer/peer_server.hpp"
#include "tests/sync/fault_proxy.hpp"
#include "tests/sync/peer/peer_door.hpp"

#include <catch2/catch.hpp>

namespace doorpost::sync::peer {
namespace {

using namespace std::chrono_literals;
using sync::test::Fault;
using sync::test::FaultProxy;
using test::PeerDoor;
using test::waitFor;

TEST_CASE("Through a faulty network, 140 episodes converge exactly once", "[peer][faults]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    PeerServerOptions options;
    options.dbPath = a.path();
    PeerServer server(options, a.key());
    auto port = server.start();
    REQUIRE(port);
    FaultProxy proxy({*port});
    proxy.setRetryAfter("0");
    const std::vector<storage::SiteDoor> site{
        a.siteDoor("site-1", "127.0.0.1:" + std::to_string(*port)), b.siteDoor("site-1", "")};
    a.publish(site);
    b.publish(site);

    PullerOptions pull = test::fastPull(b);
    pull.wait = 100ms; // many requests: each episode's fault meets one soon
    PeerPuller puller({"door-a", "127.0.0.1:" + std::to_string(proxy.port()), a.key().publicKeyHex},
                      pull);
    puller.start();

    const std::vector<Fault> faults{Fault::Delay,     Fault::ResetMidBody, Fault::TruncatedResponse,
                                    Fault::Status500, Fault::Status503,    Fault::DropAfterCommit,
                                    Fault::None};
    constexpr int kEpisodes = 140;
    int converged = 0;
    std::int64_t admitted = 0;
    for (int episode = 0; episode < kEpisodes; ++episode) {
        const Fault fault = faults[static_cast<std::size_t>(episode) % faults.size()];
        proxy.schedule({fault, fault == Fault::None ? Fault::None : faults[(episode / 7) % 6]});
        admitted += 1 + episode % 4;
        a.admit(1 + episode % 4, "episode-" + std::to_string(episode));
        const auto head = a.head();
        const bool done = waitFor(
            [&] {
                const auto held = b.held("door-a", head.epoch);
                return held && held->seq == head.lastSeq && held->hash == head.headHash;
            },
            15s);
        INFO("episode " << episode << " fault " << sync::test::faultName(fault) << ": "
                        << puller.status().lastError);
        REQUIRE(done);
        ++converged;
        CHECK(b.peerEventRows() == head.lastSeq);
    }
    CHECK(converged == kEpisodes);
    CHECK(b.peerEventRows() == admitted);
    REQUIRE(waitFor([&] { return proxy.pending() == 0; }, 15s));
    const auto injected = proxy.injected();
    for (const Fault fault : {Fault::Delay, Fault::ResetMidBody, Fault::TruncatedResponse,
                              Fault::Status500, Fault::Status503, Fault::DropAfterCommit})
        CHECK(injected.count(fault) == 1);
    for (const auto& [fault, count] : injected)
        if (fault != Fault::None)
            CHECK(count >= 20);
    // The held chain verifies link by link: a fresh accept of the whole of A's chain finds
    // every record already held with the same hash.
    auto events = a.log().readSeqRange(1, a.head().lastSeq);
    REQUIRE(events);
    std::vector<storage::PeerRecord> records;
    for (const auto& event : *events)
        records.push_back({event, ""});
    auto peers = storage::PeerLog::open(b.db());
    REQUIRE(peers);
    auto again = peers->accept("door-a", a.head().epoch, records);
    REQUIRE(again);
    CHECK(again->stored == 0);
    CHECK(again->duplicates == admitted);
}

} // namespace
} // namespace doorpost::sync::peer
