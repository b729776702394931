// Protocol messages, their JSON forms, set-page signatures and the event wire form.

#include "storage/event.hpp"
#include "sync/event_wire.hpp"
#include "sync/pass/subject_key.hpp"
#include "sync/protocol.hpp"
#include "sync/set_signature.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/sync/sync_harness.hpp"

#include <catch2/catch.hpp>
#include <sodium.h>

using namespace doorpost;
using namespace doorpost::sync;
using namespace doorpost::sync::client;

namespace {

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

} // namespace

TEST_CASE("push request survives its JSON form", "[sync][protocol]") {
    PushRequest request{"epoch1",
                        {{1, kHashA, kHashB, {{"k", "v"}}, ""}, {2, kHashB, kHashA, {}, "too big"}},
                        kHashB};
    auto parsed = pushRequestFromJson(toJson(request));
    REQUIRE(parsed.ok());
    CHECK(parsed->epoch == "epoch1");
    REQUIRE(parsed->events.size() == 2);
    CHECK(parsed->events[0].event == nlohmann::json{{"k", "v"}});
    CHECK(parsed->events[1].quarantined == "too big");
    CHECK(parsed->headHash == kHashB);
}

TEST_CASE("malformed push bodies are refused naming the field", "[sync][protocol]") {
    auto refuse = [](const nlohmann::json& json) {
        auto parsed = pushRequestFromJson(json);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().kind == ErrorKind::BadInput);
        return parsed.error().message;
    };
    CHECK(refuse(nlohmann::json::array()).find("object") != std::string::npos);
    CHECK(refuse({{"events", nlohmann::json::array()}}).find("epoch") != std::string::npos);
    CHECK(refuse({{"epoch", "e"}}).find("events") != std::string::npos);
    CHECK(refuse({{"epoch", "e"},
                  {"events",
                   {{{"seq", 1},
                     {"hash", "XYZ"},
                     {"prev_hash", kHashA},
                     {"event", nlohmann::json::object()}}}}})
              .find("hash") != std::string::npos);
    CHECK(refuse({{"epoch", "e"},
                  {"events", {{{"seq", -4}, {"hash", kHashA}, {"prev_hash", kHashA}}}}})
              .find("seq") != std::string::npos);
    CHECK(refuse(
              {{"epoch", "e"}, {"events", {{{"seq", 1}, {"hash", kHashA}, {"prev_hash", kHashA}}}}})
              .find("event") != std::string::npos);
    nlohmann::json many = nlohmann::json::array();
    for (int i = 0; i < 501; ++i)
        many.push_back(nlohmann::json::object());
    CHECK(refuse({{"epoch", "e"}, {"events", many}}).find("500") != std::string::npos);
    CHECK_FALSE(parseJson("{\"a\":").ok());
}

TEST_CASE("set pages verify only unaltered and under the right key", "[sync][protocol]") {
    REQUIRE(sodium_init() >= 0);
    unsigned char publicKey[crypto_sign_PUBLICKEYBYTES];
    unsigned char secretKey[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(publicKey, secretKey);
    const std::string secret(reinterpret_cast<char*>(secretKey), sizeof secretKey);
    const std::string publicHex = toHex(publicKey, sizeof publicKey);

    SetPage page;
    page.set = "roster";
    page.nextCursor = 7;
    page.snapshot = true;
    page.after = 3;
    page.nextAfter = 9;
    page.more = true;
    page.validUntil = "2026-12-01T00:00:00Z";
    page.upserts = {{"A1", {{"name", "Li"}}}};
    page.tombstones = {"A0"};
    signSetPage(page, secret);
    CHECK(verifySetPage(page, publicHex));
    auto parsed = setPageFromJson(toJson(page));
    REQUIRE(parsed.ok());
    CHECK(verifySetPage(*parsed, publicHex));

    SetPage altered = page;
    altered.upserts[0].value["name"] = "Wang";
    CHECK_FALSE(verifySetPage(altered, publicHex));
    altered = page;
    altered.tombstones.clear();
    CHECK_FALSE(verifySetPage(altered, publicHex));
    altered = page;
    altered.nextCursor = 8;
    CHECK_FALSE(verifySetPage(altered, publicHex));
    altered = page;
    altered.nextAfter = 10;
    CHECK_FALSE(verifySetPage(altered, publicHex));
    altered = page;
    altered.validUntil = "2030-01-01T00:00:00Z";
    CHECK_FALSE(verifySetPage(altered, publicHex));

    unsigned char otherPublic[crypto_sign_PUBLICKEYBYTES];
    unsigned char otherSecret[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(otherPublic, otherSecret);
    CHECK_FALSE(verifySetPage(page, toHex(otherPublic, sizeof otherPublic)));
    CHECK_FALSE(verifySetPage(page, "not hex"));
}

TEST_CASE("a stored event travels and its hash recomputes at the other end", "[sync][protocol]") {
    sync::test::Kiosk kiosk;
    kiosk.append(3);
    auto events = kiosk.log().readSeqRange(1, 3);
    REQUIRE(events.ok());
    for (const auto& event : *events) {
        const WireEvent wire = toWire(event);
        auto parsedWire = wireEventFromJson(parseJson(dumpJson(toJson(wire))).value());
        REQUIRE(parsedWire.ok());
        auto back = fromWire(*parsedWire, event.epoch);
        REQUIRE(back.ok());
        CHECK(storage::eventHash(*back) == event.hash);
        WireEvent tampered = wire;
        tampered.event["masked_id"] = "1101**********0000";
        auto changed = fromWire(tampered, event.epoch);
        REQUIRE(changed.ok());
        CHECK(storage::eventHash(*changed) != event.hash);
    }
}

TEST_CASE("the push path's JSON writer writes what nlohmann would", "[sync][protocol]") {
    storage::Event event;
    event.seq = 42;
    event.eventId = std::string(32, 'e');
    event.deviceId = "door-\"7\"";
    event.wallTimeMs = 1764547200123;
    event.monotonicMs = -5;
    event.bootId = "boot\\id";
    event.kind = storage::EventKind::Manual;
    event.credentialType = "resident_id";
    event.subjectKey = std::string(64, 'c');
    event.maskedId = "1101**********002X";
    event.verdict = Verdict::Refer;
    event.reasons = {"already_admitted", "tab\there"};
    event.operatorId = "张三\x01\x1f\x7f";
    event.detail = "{\"door\":\"门 2\",\"message\":\"line\nbreak\\r\"}\b\f";
    event.hash = kHashA;
    event.prevHash = kHashB;

    std::string written;
    REQUIRE(appendWireJson(written, event, ""));
    CHECK(written == dumpJson(toJson(toWire(event))));

    std::string stub;
    REQUIRE(appendWireJson(stub, event, "refused: \"too big\""));
    WireEvent wire = toWire(event);
    wire.quarantined = "refused: \"too big\"";
    CHECK(stub == dumpJson(toJson(wire)));

    // Not UTF-8: the writer declines and the caller uses nlohmann, which replaces the bytes.
    event.detail = "{\"x\":\"\xC3\x28\"}";
    std::string declined = "kept";
    CHECK_FALSE(appendWireJson(declined, event, ""));
    CHECK(declined == "kept");
    event.detail = "{}";
    event.maskedId = "\xED\xA0\x80"; // a UTF-16 surrogate encoded as UTF-8
    CHECK_FALSE(appendWireJson(declined, event, ""));
}

TEST_CASE("the enrol answer names the subject key version with the secret", "[sync][protocol]") {
    const EnrolResponse response{"door-1", std::string(64, 'a'), std::string(64, 'b'),
                                 pass::kSubjectKeyVersion};
    const auto json = toJson(response);
    CHECK(json.at("subject_key_version") == pass::kSubjectKeyVersion);
    auto parsed = enrolResponseFromJson(json);
    REQUIRE(parsed.ok());
    CHECK(parsed->subjectSecret == response.subjectSecret);
    CHECK(parsed->subjectKeyVersion == pass::kSubjectKeyVersion);
    // A central before version 3 said nothing: version 0, another version than the kiosk's.
    auto older = enrolResponseFromJson({{"device_id", "door-1"},
                                        {"set_key", std::string(64, 'a')},
                                        {"subject_secret", std::string(64, 'b')}});
    REQUIRE(older.ok());
    CHECK(older->subjectKeyVersion == 0);
}

TEST_CASE("a kiosk holds no subject secret while the central derives another version",
          "[sync][protocol]") {
    // A central that answers the enrolment and nothing else: what the kiosk keeps of it is
    // decided at enrolment, whatever the rest of the round does.
    const std::string secret(64, '7');
    const int version = GENERATE(0, 2, pass::kSubjectKeyVersion);
    doorpost::test::LoopbackHttp central;
    central.server().Post("/v1/enrol", [&](const httplib::Request&, httplib::Response& res) {
        nlohmann::json answer = {
            {"device_id", "door-9"}, {"set_key", std::string(64, 'a')}, {"subject_secret", secret}};
        if (version != 0)
            answer["subject_key_version"] = version;
        res.set_content(answer.dump(), "application/json");
    });
    central.start();
    doorpost::test::TempDir dir;
    auto db = storage::Database::open(dir.file("kiosk.db"));
    REQUIRE(db);
    // Held from an enrolment before (same secret): kept only if the versions agree.
    REQUIRE(db->setMeta(std::string(pass::kSubjectSecretMetaKey), secret));
    SyncConfig config;
    config.centralUrl = central.url();
    config.token = "token";
    config.sets = {};
    auto session = SyncSession::open(*db, config);
    REQUIRE(session);
    const RoundReport report = (*session)->runRound();
    auto held = db->meta(std::string(pass::kSubjectSecretMetaKey));
    REQUIRE(held);
    if (version == pass::kSubjectKeyVersion) {
        CHECK(*held == secret);
    } else {
        CHECK(*held == std::string());
        CHECK(report.error.find("subject keys: the central derives version") != std::string::npos);
    }
}
