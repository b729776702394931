// Peers' chains held apart from the door's own (storage/peer_log.hpp): only successors of the
// held head are stored, each with the hash of its own content; what is held never changes.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/peer_log.hpp"
#include "storage/site_doors.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

EventDraft admit(const std::string& subject, std::int64_t wallMs) {
    EventDraft draft;
    draft.kind = EventKind::Scan;
    draft.credentialType = "ticket";
    draft.subjectKey = subject;
    draft.verdict = Verdict::Admit;
    draft.reasons = {"ticket_valid"};
    draft.detail = R"({"door":"north-1"})";
    draft.wallTimeMs = wallMs;
    return draft;
}

// A peer door with its own database and chain, and this door's database holding peers' events.
struct Fixture {
    TempDir dir;
    Database peerDb = std::move(Database::open(dir.file("peer.db")).value());
    EventLog peerLog = std::move(EventLog::open(peerDb).value());
    Database db = std::move(Database::open(dir.file("door.db")).value());
    PeerLog peers = std::move(PeerLog::open(db).value());

    std::string device() { return peerLog.status()->deviceId; }
    std::vector<PeerRecord> records(std::int64_t from, std::int64_t to) {
        std::vector<PeerRecord> out;
        std::vector<Event> events = peerLog.readSeqRange(from, to).value();
        for (Event& event : events)
            out.push_back(PeerRecord{std::move(event), "{}"});
        return out;
    }
};

} // namespace

TEST_CASE("a peer's chain is stored in order and again only as duplicates", "[peer_log]") {
    Fixture f;
    for (int i = 0; i < 5; ++i)
        REQUIRE(f.peerLog.append(admit("subject-" + std::to_string(i), 1'000'000 + i)));

    auto first = f.peers.accept(f.device(), f.peerLog.epoch(), f.records(1, 3));
    REQUIRE(first);
    CHECK(first->stored == 3);
    CHECK(first->head.seq == 3);
    auto again = f.peers.accept(f.device(), f.peerLog.epoch(), f.records(2, 5));
    REQUIRE(again);
    CHECK(again->stored == 2);
    CHECK(again->duplicates == 2);
    CHECK(again->head.seq == 5);
    CHECK(again->head.hash == f.peerLog.status()->headHash);

    auto held = f.peers.head(f.device(), f.peerLog.epoch());
    REQUIRE(held);
    REQUIRE(held->has_value());
    CHECK((*held)->seq == 5);
    CHECK(f.peers.heads()->size() == 1);
}

TEST_CASE("a peer record that does not link or is not its content is refused with its batch",
          "[peer_log]") {
    Fixture f;
    for (int i = 0; i < 4; ++i)
        REQUIRE(f.peerLog.append(admit("subject-" + std::to_string(i), 2'000'000 + i)));
    const std::string epoch = f.peerLog.epoch();

    SECTION("a gap") {
        auto gap = f.peers.accept(f.device(), epoch, f.records(2, 3));
        REQUIRE_FALSE(gap);
        CHECK(gap.error().message.find("does not follow") != std::string::npos);
    }
    SECTION("altered content") {
        auto batch = f.records(1, 3);
        batch[2].event.subjectKey = "someone-else";
        auto altered = f.peers.accept(f.device(), epoch, batch);
        REQUIRE_FALSE(altered);
        CHECK(altered.error().message.find("record 3") != std::string::npos);
        // All or nothing: the first two good records were not kept either.
        CHECK_FALSE(f.peers.head(f.device(), epoch)->has_value());
    }
    SECTION("a fork of what is held") {
        REQUIRE(f.peers.accept(f.device(), epoch, f.records(1, 2)));
        auto forked = f.records(2, 2);
        forked[0].event.hash = f.records(3, 3)[0].event.hash;
        auto refused = f.peers.accept(f.device(), epoch, forked);
        REQUIRE_FALSE(refused);
        CHECK(f.peers.head(f.device(), epoch)->value().seq == 2);
    }
    SECTION("another epoch's records") {
        auto wrong = f.peers.accept(f.device(), std::string(32, 'a'), f.records(1, 1));
        REQUIRE_FALSE(wrong);
        CHECK(wrong.error().message.find("epoch") != std::string::npos);
    }
    SECTION("another door's records") {
        REQUIRE(f.peerLog.setDeviceId("door-x"));
        REQUIRE(f.peerLog.append(admit("subject-9", 2'000'100)));
        REQUIRE(f.peers.accept("door-y", epoch, f.records(1, 4)));
        auto theirs = f.peers.accept("door-y", epoch, f.records(5, 5));
        REQUIRE_FALSE(theirs);
        CHECK(theirs.error().message.find("door-x") != std::string::npos);
    }
}

TEST_CASE("the newest peer admission of a subject is found", "[peer_log]") {
    Fixture f;
    REQUIRE(f.peerLog.append(admit("alice", 5'000)));
    REQUIRE(f.peerLog.append(admit("bob", 6'000)));
    REQUIRE(f.peerLog.append(admit("alice", 7'000)));
    EventDraft denied = admit("carol", 8'000);
    denied.verdict = Verdict::Deny;
    REQUIRE(f.peerLog.append(denied));
    REQUIRE(f.peers.accept(f.device(), f.peerLog.epoch(), f.records(1, 4)));

    auto alice = f.peers.lastAdmission("alice");
    REQUIRE(alice);
    REQUIRE(alice->has_value());
    CHECK((*alice)->wallTimeMs == 7'000);
    CHECK((*alice)->seq == 3);
    CHECK((*alice)->detail.find("north-1") != std::string::npos);
    CHECK_FALSE(f.peers.lastAdmission("carol")->has_value());
    CHECK_FALSE(f.peers.lastAdmission("dave")->has_value());
}

TEST_CASE("a door's peers are the other doors of its site", "[peer_log]") {
    TempDir dir;
    Database db = std::move(Database::open(dir.file("door.db")).value());
    const std::vector<SiteDoor> doors = {
        {"door-a", "hall", std::string(64, '1'), "10.0.0.1:7701"},
        {"door-b", "hall", std::string(64, '2'), ""},
        {"door-c", "hall", std::string(64, '3'), "10.0.0.3:7701"},
        {"gate-9", "station", std::string(64, '4'), "10.1.0.9:7701"},
    };
    REQUIRE(replaceSiteDoors(db, doors));
    auto peers = readPeersOf(db, "door-b");
    REQUIRE(peers);
    REQUIRE(peers->size() == 2);
    CHECK((*peers)[0].device == "door-a");
    CHECK((*peers)[1].device == "door-c");
    CHECK(readPeersOf(db, "gate-9")->empty());
    CHECK(readPeersOf(db, "unknown")->empty());
    CHECK(readSiteDoors(db)->size() == 4);
}
