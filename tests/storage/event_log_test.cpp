#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

EventDraft scan(const std::string& subject, Verdict verdict, std::int64_t wallMs = 0) {
    EventDraft draft;
    draft.kind = EventKind::Scan;
    draft.credentialType = "dp1";
    draft.subjectKey = subject;
    draft.maskedId = "1101**********1234";
    draft.verdict = verdict;
    draft.reasons = {"credential_valid", "roster.member"};
    draft.operatorId = "staff-7";
    draft.detail = R"({"raw":"DP1:ABC","room":"A-101","seat":12})";
    if (wallMs != 0) {
        draft.wallTimeMs = wallMs;
    }
    return draft;
}

struct Fixture {
    TempDir dir;
    Database db = std::move(Database::open(dir.file("kiosk.db")).value());
    EventLog log = std::move(EventLog::open(db).value());
};

void tamper(Database& db, const std::string& sql) {
    REQUIRE(db.exec(sql));
}

} // namespace

TEST_CASE("append returns consecutive seqs and stores every field") {
    Fixture f;
    const auto draft = scan("subject-a", Verdict::Admit, 1'700'000'000'123);
    REQUIRE(*f.log.append(draft) == 1);
    REQUIRE(*f.log.append(scan("subject-b", Verdict::Deny)) == 2);

    auto events = f.log.readSeqRange(1, 2);
    REQUIRE(events);
    REQUIRE(events->size() == 2);
    const Event& e = events->front();
    CHECK(e.seq == 1);
    CHECK(e.eventId.size() == 32);
    CHECK(e.eventId != events->back().eventId);
    CHECK(e.epoch == f.log.epoch());
    CHECK(e.deviceId.rfind("dev-", 0) == 0);
    CHECK(e.wallTimeMs == 1'700'000'000'123);
    CHECK(e.monotonicMs > 0);
    CHECK_FALSE(e.bootId.empty());
    CHECK(e.kind == EventKind::Scan);
    CHECK(e.credentialType == "dp1");
    CHECK(e.subjectKey == "subject-a");
    CHECK(e.maskedId == draft.maskedId);
    CHECK(e.verdict == Verdict::Admit);
    CHECK(e.reasons == draft.reasons);
    CHECK(e.operatorId == "staff-7");
    CHECK(e.detail == draft.detail);
    CHECK(e.prevHash == kZeroHashHex);
    CHECK(e.hash == eventHash(e));
    CHECK(events->back().prevHash == e.hash);
}

TEST_CASE("status counts without scanning and tracks the head") {
    Fixture f;
    auto empty = f.log.status();
    REQUIRE(empty);
    CHECK(empty->events == 0);
    CHECK(empty->lastSeq == 0);
    CHECK(empty->headHash == kZeroHashHex);
    for (int i = 0; i < 5; ++i) {
        REQUIRE(f.log.append(scan("s", Verdict::Refer)));
    }
    auto status = f.log.status();
    REQUIRE(status);
    CHECK(status->events == 5);
    CHECK(status->lastSeq == 5);
    CHECK(status->epoch == f.log.epoch());
    CHECK(status->headHash == f.log.readSeqRange(5, 5)->front().hash);
}

TEST_CASE("Bad drafts are refused and record nothing") {
    Fixture f;
    auto badReason = scan("s", Verdict::Deny);
    badReason.reasons = {"Has Spaces"};
    auto result = f.log.append(badReason);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == doorpost::ErrorKind::BadInput);
    CHECK(result.error().message.find("reasons") != std::string::npos);

    auto badDetail = scan("s", Verdict::Deny);
    badDetail.detail = "[1, 2";
    REQUIRE_FALSE(f.log.append(badDetail));
    badDetail.detail = "[1, 2]";
    REQUIRE_FALSE(f.log.append(badDetail));

    CHECK(f.log.status()->events == 0);
    CHECK(*f.log.append(scan("s", Verdict::Deny)) == 1);
}

TEST_CASE("lastAdmission finds the latest admit of a subject, ignoring other verdicts") {
    Fixture f;
    REQUIRE(f.log.append(scan("alice", Verdict::Admit)));
    REQUIRE(f.log.append(scan("bob", Verdict::Admit)));
    const auto second = *f.log.append(scan("alice", Verdict::Admit));
    REQUIRE(f.log.append(scan("alice", Verdict::Deny)));
    REQUIRE(f.log.append(scan("alice", Verdict::Refer)));

    auto last = f.log.lastAdmission("alice");
    REQUIRE(last);
    REQUIRE(last->has_value());
    CHECK((*last)->seq == second);
    CHECK((*last)->verdict == Verdict::Admit);
    CHECK_FALSE(f.log.lastAdmission("carol")->has_value());
}

TEST_CASE("lastAdmission tells apart subjects whose keys share their first 16 characters") {
    Fixture f;
    const std::string prefix(16, 'a');
    const auto first = *f.log.append(scan(prefix + "-first", Verdict::Admit));
    const auto second = *f.log.append(scan(prefix + "-second", Verdict::Admit));
    REQUIRE(f.log.append(scan(prefix, Verdict::Admit)));

    CHECK((*f.log.lastAdmission(prefix + "-first"))->seq == first);
    CHECK((*f.log.lastAdmission(prefix + "-second"))->seq == second);
    CHECK((*f.log.lastAdmission(prefix))->subjectKey == prefix);
    CHECK_FALSE(f.log.lastAdmission(prefix + "-third")->has_value());
    CHECK_FALSE(f.log.lastAdmission(prefix.substr(0, 15))->has_value());
}

TEST_CASE("Events can be read by wall-time range") {
    Fixture f;
    REQUIRE(f.log.append(scan("a", Verdict::Admit, 1000)));
    REQUIRE(f.log.append(scan("b", Verdict::Admit, 3000)));
    REQUIRE(f.log.append(scan("c", Verdict::Admit, 2000)));
    REQUIRE(f.log.append(scan("d", Verdict::Admit, 4000)));
    auto events = f.log.readWallTimeRange(2000, 4000);
    REQUIRE(events);
    REQUIRE(events->size() == 2);
    CHECK((*events)[0].subjectKey == "c");
    CHECK((*events)[1].subjectKey == "b");
    CHECK(f.log.readWallTimeRange(0, 10000, 3)->size() == 3);
}

TEST_CASE("The chain verifies and names the first bad seq after tampering") {
    Fixture f;
    for (int i = 0; i < 10; ++i) {
        REQUIRE(f.log.append(scan("s" + std::to_string(i), Verdict::Admit)));
    }
    auto clean = f.log.verifyChain();
    REQUIRE(clean);
    CHECK(clean->ok);
    CHECK(clean->checked == 10);

    SECTION("content changed") {
        tamper(f.db, "UPDATE events SET verdict = 'deny' WHERE seq = 4");
        auto report = f.log.verifyChain();
        REQUIRE(report);
        CHECK_FALSE(report->ok);
        CHECK(report->firstBadSeq == 4);
    }
    SECTION("detail changed by one byte") {
        tamper(f.db, "UPDATE events SET detail = replace(detail, '101', '102') WHERE seq = 7");
        CHECK(f.log.verifyChain()->firstBadSeq == 7);
    }
    SECTION("content and hash rewritten: the next link breaks") {
        auto e = f.log.readSeqRange(6, 6)->front();
        e.maskedId = "forged";
        const auto forged = eventHash(e);
        tamper(f.db,
               "UPDATE events SET masked_id = 'forged', hash = '" + forged + "' WHERE seq = 6");
        auto report = f.log.verifyChain();
        CHECK(report->firstBadSeq == 7);
    }
    SECTION("event deleted") {
        tamper(f.db, "DELETE FROM events WHERE seq = 3");
        CHECK(f.log.verifyChain()->firstBadSeq == 3);
    }
    SECTION("tail deleted") {
        tamper(f.db, "DELETE FROM events WHERE seq >= 9");
        CHECK(f.log.verifyChain()->firstBadSeq == 9);
    }
    SECTION("a range verifies on its own") {
        tamper(f.db, "UPDATE events SET verdict = 'deny' WHERE seq = 8");
        CHECK(f.log.verifyChain(2, 6)->ok);
        CHECK(f.log.verifyChain(5, 9)->firstBadSeq == 8);
    }
}

TEST_CASE("verifyNewEvents checks only new events, and the checkpoint row itself") {
    Fixture f;
    for (int i = 0; i < 6; ++i) {
        REQUIRE(f.log.append(scan("s", Verdict::Admit)));
    }
    auto first = f.log.verifyNewEvents();
    REQUIRE(first);
    CHECK(first->ok);
    CHECK(first->checked == 6);
    REQUIRE(f.log.append(scan("s", Verdict::Admit)));
    auto second = f.log.verifyNewEvents();
    CHECK(second->ok);
    CHECK(second->checked == 1);
    CHECK(second->verifiedFrom == 7);

    SECTION("the checkpoint row is rewritten") {
        tamper(f.db, "UPDATE events SET hash = '" + std::string(kZeroHashHex) + "' WHERE seq = 7");
        CHECK(f.log.verifyNewEvents()->firstBadSeq == 7);
    }
    SECTION("a new event is altered") {
        REQUIRE(f.log.append(scan("s", Verdict::Admit)));
        tamper(f.db, "UPDATE events SET operator = 'x' WHERE seq = 8");
        CHECK(f.log.verifyNewEvents()->firstBadSeq == 8);
    }
    SECTION("an old event altered is found by the full check") {
        tamper(f.db, "UPDATE events SET operator = 'x' WHERE seq = 2");
        CHECK(f.log.verifyNewEvents()->ok); // by design: before the checkpoint
        CHECK(f.log.verifyChain()->firstBadSeq == 2);
    }
}

TEST_CASE("Two connections appending in turn keep one chain") {
    TempDir dir;
    auto dbA = Database::open(dir.file("kiosk.db"));
    auto dbB = Database::open(dir.file("kiosk.db"));
    REQUIRE(dbA);
    REQUIRE(dbB);
    auto logA = EventLog::open(*dbA);
    auto logB = EventLog::open(*dbB);
    for (int i = 0; i < 20; ++i) {
        auto& log = i % 3 == 0 ? *logB : *logA;
        REQUIRE(*log.append(scan("s", Verdict::Admit)) == i + 1);
    }
    CHECK(logA->verifyChain()->ok);
    CHECK(logB->status()->events == 20);
}

TEST_CASE("setDeviceId changes the id carried by later events") {
    Fixture f;
    REQUIRE(f.log.append(scan("s", Verdict::Admit)));
    REQUIRE(f.log.setDeviceId("gate-north-2"));
    REQUIRE(f.log.append(scan("s", Verdict::Admit)));
    auto events = f.log.readSeqRange(1, 2);
    CHECK(events->front().deviceId != "gate-north-2");
    CHECK(events->back().deviceId == "gate-north-2");
    CHECK(f.log.status()->deviceId == "gate-north-2");
    CHECK(f.log.verifyChain()->ok);
    CHECK_FALSE(f.log.setDeviceId(""));
}

TEST_CASE("A damaged verification checkpoint falls back to the full check") {
    Fixture f;
    for (int i = 0; i < 4; ++i) {
        REQUIRE(f.log.append(scan("s", Verdict::Admit)));
    }
    REQUIRE(f.log.verifyNewEvents()->ok);
    REQUIRE(f.db.setMeta("chain_verified_seq", "not a number"));
    auto report = f.log.verifyNewEvents();
    REQUIRE(report);
    CHECK(report->ok);
    CHECK(report->checked == 4);
    CHECK(report->verifiedFrom == 1);
}

TEST_CASE("An append notices what another connection did since its last append") {
    // EventLog keeps the head of its last append in memory; the database's data version tells
    // it when anything else has committed since.
    TempDir dir;
    auto dbA = Database::open(dir.file("kiosk.db"));
    auto dbB = Database::open(dir.file("kiosk.db"));
    REQUIRE(dbA);
    REQUIRE(dbB);
    auto logA = EventLog::open(*dbA);
    auto logB = EventLog::open(*dbB);
    REQUIRE(*logA->append(scan("s", Verdict::Admit)) == 1);
    REQUIRE(*logA->append(scan("s", Verdict::Admit)) == 2);

    SECTION("its device id was changed") {
        REQUIRE(logB->setDeviceId("gate-east-1"));
        REQUIRE(*logA->append(scan("s", Verdict::Admit)) == 3);
        CHECK(logA->readSeqRange(3, 3)->front().deviceId == "gate-east-1");
        CHECK(logA->verifyChain()->ok);
    }
    SECTION("the head event was removed") {
        REQUIRE(dbB->exec("DELETE FROM events WHERE seq = 2"));
        auto refused = logA->append(scan("s", Verdict::Admit));
        REQUIRE_FALSE(refused);
        CHECK(refused.error().message.find("head event (seq 2) is missing") != std::string::npos);
    }
    SECTION("appendMany in one transaction, then another writer, then us again") {
        std::vector<EventDraft> drafts(3, scan("s", Verdict::Deny));
        REQUIRE(*logA->appendMany(drafts) == 5);
        REQUIRE(*logB->append(scan("s", Verdict::Admit)) == 6);
        REQUIRE(*logA->appendMany({}) == 6);
        REQUIRE(*logB->append(scan("s", Verdict::Admit)) == 7);
        REQUIRE(*logA->append(scan("s", Verdict::Admit)) == 8);
        auto report = logA->verifyChain();
        CHECK(report->ok);
        CHECK(report->checked == 8);
    }
}
