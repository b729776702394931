// The peer wire format (sync/peer/peer_wire, peer_answer): what each signature covers, and what
// an answer must be to be taken.

#include "sync/peer/peer_answer.hpp"
#include "sync/peer/peer_wire.hpp"
#include "tests/sync/peer/peer_door.hpp"

#include <catch2/catch.hpp>

namespace doorpost::sync::peer {
namespace {

using test::PeerDoor;

std::vector<storage::Event> eventsOf(PeerDoor& door, std::int64_t from, std::int64_t to) {
    auto events = door.log().readSeqRange(from, to);
    REQUIRE(events);
    return *events;
}

TEST_CASE("A peer request's signature covers the query, the nonce and both doors", "[peer][wire]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    const ChainQuery query{std::string(32, 'a'), 41, 1000};
    const std::string nonce = newNonce();
    REQUIRE(isNonce(nonce));
    CHECK(newNonce() != nonce);
    const std::string signature = signRequest(a.key(), query, nonce, "door-a", "door-b");
    CHECK(verifyRequest(a.key().publicKeyHex, query, nonce, "door-a", "door-b", signature));

    ChainQuery later = query;
    later.after = 42;
    CHECK_FALSE(verifyRequest(a.key().publicKeyHex, later, nonce, "door-a", "door-b", signature));
    CHECK_FALSE(
        verifyRequest(a.key().publicKeyHex, query, newNonce(), "door-a", "door-b", signature));
    CHECK_FALSE(verifyRequest(a.key().publicKeyHex, query, nonce, "door-a", "door-c", signature));
    CHECK_FALSE(verifyRequest(a.key().publicKeyHex, query, nonce, "door-x", "door-b", signature));
    CHECK_FALSE(verifyRequest(b.key().publicKeyHex, query, nonce, "door-a", "door-b", signature));
    // Neither signature passes for the other kind: each text has its own domain.
    CHECK_FALSE(verifyAnswer(a.key().publicKeyHex,
                             requestSigningText(query, nonce, "door-a", "door-b"), signature));
}

TEST_CASE("A chain query is spelt one way and its parameters are checked", "[peer][wire]") {
    const ChainQuery query{std::string(32, 'f'), 7, 250};
    CHECK(chainTarget(query) ==
          "/peer/v1/chain?epoch=" + std::string(32, 'f') + "&after=7&wait_ms=250");
    auto parsed = parseChainQuery(std::string(32, 'f'), "7", "250");
    REQUIRE(parsed);
    CHECK(parsed->after == 7);
    CHECK(parsed->waitMs == 250);
    CHECK(parseChainQuery("", "0", "0"));
    CHECK_FALSE(parseChainQuery("zz", "0", "0"));
    CHECK_FALSE(parseChainQuery(std::string(32, 'F'), "0", "0"));
    CHECK_FALSE(parseChainQuery("", "-1", "0"));
    CHECK_FALSE(parseChainQuery("", "1e3", "0"));
    CHECK_FALSE(parseChainQuery("", "", "0"));
    CHECK_FALSE(parseChainQuery("", "0", "1001"));
    CHECK_FALSE(parseChainQuery("", "99999999999999999999", "0"));
    CHECK(isDeviceId("door-1.site_2"));
    CHECK_FALSE(isDeviceId(""));
    CHECK_FALSE(isDeviceId("door 1"));
    CHECK_FALSE(isDeviceId(std::string(129, 'd')));
}

TEST_CASE("Addresses are HOST:PORT, IPv6 in brackets", "[peer][wire]") {
    auto v4 = parseHostPort("192.168.1.20:7420");
    REQUIRE(v4);
    CHECK(v4->host == "192.168.1.20");
    CHECK(v4->port == 7420);
    CHECK(baseUrl(*v4) == "http://192.168.1.20:7420");
    auto v6 = parseHostPort("[::1]:80");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(baseUrl(*v6) == "http://[::1]:80");
    CHECK_FALSE(parseHostPort("door-a"));
    CHECK_FALSE(parseHostPort("::1:80"));
    CHECK_FALSE(parseHostPort("host:65536"));
    CHECK_FALSE(parseHostPort("host:x"));
    CHECK_FALSE(parseHostPort("ho st:1"));
}

TEST_CASE("An answer is signed byte for byte and turns into the door's records", "[peer][wire]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    a.admit(5);
    const auto head = a.head();
    const std::string nonce = newNonce();
    const std::string body =
        answerBody("door-a", head.epoch, nonce, head.lastSeq, head.headHash, eventsOf(a, 3, 5));
    const std::string signature = signAnswer(a.key(), body);
    CHECK(verifyAnswer(a.key().publicKeyHex, body, signature));
    CHECK_FALSE(verifyAnswer(b.key().publicKeyHex, body, signature));
    std::string altered = body;
    altered[altered.find("subject-3")] = 'S';
    CHECK_FALSE(verifyAnswer(a.key().publicKeyHex, altered, signature));

    auto answer = parseAnswer(body);
    REQUIRE(answer);
    CHECK(answer->headSeq == 5);
    CHECK(answer->events.size() == 3);
    auto records = recordsOf(*answer, "door-a", nonce, 3);
    REQUIRE(records);
    REQUIRE(records->size() == 3);
    CHECK((*records)[0].event.hash == eventsOf(a, 3, 3)[0].hash);
    CHECK((*records)[0].event.subjectKey == "subject-2");
    CHECK((*records)[2].event.epoch == head.epoch);

    // What the asker checks before anything is stored.
    CHECK_THAT(recordsOf(*answer, "door-a", newNonce(), 3).error().message,
               Catch::Contains("nonce"));
    CHECK_THAT(recordsOf(*answer, "door-c", nonce, 3).error().message,
               Catch::Contains("names door door-a"));
    CHECK_THAT(recordsOf(*answer, "door-a", nonce, 2).error().message,
               Catch::Contains("where 2 was due"));
    ChainAnswer shortHead = *answer;
    shortHead.headSeq = 4;
    CHECK_THAT(recordsOf(shortHead, "door-a", nonce, 3).error().message,
               Catch::Contains("beyond its head"));

    // And the peer log checks the chain itself: a record whose content was changed (and the
    // answer re-signed by a door that would lie) does not hash to what it claims.
    auto peers = storage::PeerLog::open(b.db());
    REQUIRE(peers);
    auto all = recordsOf(
        *parseAnswer(answerBody("door-a", head.epoch, nonce, 5, head.headHash, eventsOf(a, 1, 5))),
        "door-a", nonce, 1);
    REQUIRE(all);
    auto lying = *all;
    lying[3].event.subjectKey = "someone-else";
    CHECK_FALSE(peers->accept("door-a", head.epoch, lying));
    CHECK(b.peerEventRows() == 0);
    auto stored = peers->accept("door-a", head.epoch, *all);
    REQUIRE(stored);
    CHECK(stored->stored == 5);
}

TEST_CASE("Malformed answers are refused naming the field", "[peer][wire]") {
    CHECK_FALSE(parseAnswer("not json"));
    CHECK_FALSE(parseAnswer("[]"));
    CHECK_THAT(
        parseAnswer(R"({"device":"a","epoch":"e","nonce":"n","head_hash":"h"})").error().message,
        Catch::Contains("head_seq"));
    CHECK_THAT(
        parseAnswer(
            R"({"device":"a","epoch":"e","nonce":"n","head_hash":"h","head_seq":1,"events":{}})")
            .error()
            .message,
        Catch::Contains("events"));
    auto noEpoch = parseAnswer(
        R"({"device":"a","epoch":"e","nonce":"n","head_hash":"h","head_seq":0,"events":[]})");
    REQUIRE(noEpoch);
    CHECK_THAT(recordsOf(*noEpoch, "a", "n", 1).error().message, Catch::Contains("epoch"));
}

TEST_CASE("An answer stays within the central push's limits", "[peer][wire]") {
    PeerDoor a("door-a");
    // 100 events of ~2 KiB, then ordinary ones: the byte limit ends the batch.
    std::vector<storage::EventDraft> drafts(kMaxAnswerEvents + 20);
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        drafts[i].subjectKey = "s" + std::to_string(i);
        drafts[i].verdict = Verdict::Admit;
        drafts[i].detail = i < 100 ? R"({"pad":")" + std::string(1500, 'x') + "\"}" : "{}";
    }
    REQUIRE(a.log().appendMany(drafts));
    const auto head = a.head();
    const auto events = eventsOf(a, 1, static_cast<std::int64_t>(kMaxAnswerEvents));
    const std::string big =
        answerBody("door-a", head.epoch, newNonce(), head.lastSeq, head.headHash, events);
    CHECK(big.size() <= kMaxAnswerEventBytes);
    auto parsed = parseAnswer(big);
    REQUIRE(parsed);
    CHECK(parsed->events.size() > 100);
    CHECK(parsed->events.size() < kMaxAnswerEvents);
    // Small events alone: the count limit (records with their text fields empty, ~430 bytes).
    std::vector<storage::Event> tiny(kMaxAnswerEvents + 100);
    for (std::size_t i = 0; i < tiny.size(); ++i) {
        tiny[i].seq = static_cast<std::int64_t>(i) + 1;
        tiny[i].hash = tiny[i].prevHash = std::string(storage::kZeroHashHex);
    }
    const std::string countBound =
        answerBody("door-a", head.epoch, newNonce(), head.lastSeq, head.headHash, tiny);
    CHECK(countBound.size() < kMaxAnswerEventBytes);
    auto many = parseAnswer(countBound);
    REQUIRE(many);
    CHECK(many->events.size() == kMaxAnswerEvents);
}

} // namespace
} // namespace doorpost::sync::peer
