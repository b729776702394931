// The re-entry lookup without an admission index (migration 8): admits are filed per block by
// the append that completes it, and the block still filling is read by seq. Whatever the block
// edges, it must find exactly what a full scan finds.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/storage/raw_events.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::storage::test::RawEvent;
using doorpost::storage::test::writeRawEvents;
using doorpost::test::TempDir;

namespace {

constexpr std::int64_t kBlock = EventLog::kBlock;

// 40 subjects; every fourth shares its first 16 characters with the one before, so the filed
// prefix alone cannot tell them apart.
std::vector<std::string> subjects() {
    std::vector<std::string> keys;
    for (int i = 0; i < 40; ++i) {
        const int stem = i % 4 == 3 ? i - 1 : i;
        keys.push_back("subject-key-" + std::string(4 - std::to_string(stem).size(), '0') +
                       std::to_string(stem) + (i % 4 == 3 ? "-twin" : "-solo"));
    }
    return keys;
}

EventDraft scan(const std::string& subject, Verdict verdict) {
    EventDraft draft;
    draft.kind = EventKind::Scan;
    draft.credentialType = "dp1";
    draft.subjectKey = subject;
    draft.maskedId = "1101**********1234";
    draft.verdict = verdict;
    draft.reasons = {"credential_valid"};
    draft.operatorId = "staff-1";
    draft.detail = "{}";
    return draft;
}

struct Fixture {
    TempDir dir;
    Database db = std::move(Database::open(dir.file("kiosk.db")).value());
    EventLog log = std::move(EventLog::open(db).value());

    std::int64_t count(const std::string& sql) {
        auto stmt = db.prepare(sql);
        REQUIRE(stmt);
        REQUIRE(*stmt->step());
        return stmt->columnInt(0);
    }
};

// The seq of the subject's latest admit by a full scan (0: none).
std::int64_t scannedLastAdmission(Database& db, const std::string& subject) {
    auto stmt = db.prepare("SELECT coalesce(max(seq), 0) FROM events NOT INDEXED"
                           " WHERE subject_key = ? AND verdict = 'admit'");
    REQUIRE(stmt);
    stmt->bind(1, subject);
    REQUIRE(*stmt->step());
    return stmt->columnInt(0);
}

void checkAgainstScan(Database& db, EventLog& log) {
    for (const auto& subject : subjects()) {
        auto found = log.lastAdmission(subject);
        REQUIRE(found);
        const std::int64_t seq = found->has_value() ? (*found)->seq : 0;
        INFO(subject);
        CHECK(seq == scannedLastAdmission(db, subject));
        if (found->has_value()) {
            CHECK((*found)->subjectKey == subject);
            CHECK((*found)->verdict == Verdict::Admit);
        }
    }
}

std::string planOf(Database& db, const std::string& sql) {
    auto plan = db.prepare("EXPLAIN QUERY PLAN " + sql);
    REQUIRE(plan);
    std::string steps;
    while (*plan->step()) {
        steps += plan->columnText(3) + "\n";
    }
    return steps;
}

} // namespace

TEST_CASE("The re-entry lookup finds what a full scan finds, filed or in the block still filling") {
    Fixture f;
    const auto keys = subjects();
    std::mt19937_64 random(11);
    // Chunks of random size, so that lookups run at and around every block edge.
    while (f.log.status()->lastSeq < 3 * kBlock + 100) {
        std::vector<EventDraft> chunk;
        const auto size = 1 + random() % 300;
        for (std::uint64_t i = 0; i < size; ++i) {
            const auto verdict = random() % 3 == 0 ? Verdict::Deny : Verdict::Admit;
            chunk.push_back(scan(keys[random() % keys.size()], verdict));
        }
        REQUIRE(f.log.appendMany(chunk));
        checkAgainstScan(f.db, f.log);
    }
    // Every admit of a complete block is filed, none of the block still filling.
    const std::int64_t filedThrough = f.log.status()->lastSeq / kBlock * kBlock;
    CHECK(f.count("SELECT COUNT(*) FROM admissions_by_subject") ==
          f.count("SELECT COUNT(*) FROM events WHERE verdict = 'admit' AND seq <= " +
                  std::to_string(filedThrough)));

    SECTION("a subject admitted in a filed block and only denied since is still found") {
        const std::string late = "subject-key-late";
        const auto admitted = *f.log.append(scan(late, Verdict::Admit));
        while (f.log.status()->lastSeq % kBlock != 0) {
            REQUIRE(f.log.append(scan(late, Verdict::Deny)));
        }
        REQUIRE(f.log.append(scan(late, Verdict::Refer)));
        CHECK((*f.log.lastAdmission(late))->seq == admitted);
    }
    SECTION("after a removed tail, the block it reached back into is read by seq") {
        REQUIRE(f.db.exec("DELETE FROM events WHERE seq > " + std::to_string(filedThrough - 5)));
        checkAgainstScan(f.db, f.log);
    }
}

TEST_CASE("An admitting append writes no index entry, the append completing a block files it") {
    Fixture f;
    CHECK(f.count(
              "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'") ==
          0);
    for (std::int64_t seq = 1; seq < kBlock; ++seq) {
        REQUIRE(f.log.append(
            scan(seq % 2 == 0 ? "even" : "odd", seq % 5 == 0 ? Verdict::Deny : Verdict::Admit)));
    }
    CHECK(f.count("SELECT COUNT(*) FROM admissions_by_subject") == 0);
    CHECK((*f.log.lastAdmission("even"))->seq == kBlock - 2); // 1022: even, not a multiple of 5

    REQUIRE(*f.log.append(scan("last", Verdict::Admit)) == kBlock);
    CHECK(f.count("SELECT COUNT(*) FROM admissions_by_subject") ==
          f.count("SELECT COUNT(*) FROM events WHERE verdict = 'admit'"));
    CHECK(f.count("SELECT event_seq FROM admissions_by_subject WHERE subject_prefix = 'last'") ==
          kBlock);
    CHECK((*f.log.lastAdmission("last"))->seq == kBlock);
    CHECK(f.count("SELECT COUNT(*) FROM recent_admissions") == 0);
}

TEST_CASE("Both halves of the lookup read only what they need") {
    Fixture f;
    // The block still filling: a rowid range from the block's start, not the table.
    const auto recent =
        planOf(f.db, "SELECT max(seq) FROM recent_admissions WHERE subject_key = 'k'");
    INFO(recent);
    CHECK(recent.find("SEARCH events USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
    CHECK(recent.find("SCAN events") == std::string::npos);
    // The filed ones: by prefix, newest first, then the event by its seq; no sort.
    const auto filed =
        planOf(f.db, "SELECT seq FROM admissions_by_subject f JOIN events ON seq = f.event_seq"
                     " WHERE f.subject_prefix = substr('k', 1, 16) AND subject_key = 'k'"
                     " ORDER BY f.event_seq DESC LIMIT 1");
    INFO(filed);
    CHECK(filed.find("SEARCH f USING PRIMARY KEY (subject_prefix=?)") != std::string::npos);
    CHECK(filed.find("SEARCH events USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
    CHECK(filed.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("Migration 8 files the admits of an existing log's complete blocks") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    const auto keys = subjects();
    writeRawEvents(path, 7, 2 * kBlock + 10, [&](std::int64_t seq) {
        return RawEvent{1, keys[static_cast<std::size_t>(seq * 7 % 40)],
                        seq % 3 == 0 ? "deny" : "admit"};
    });
    auto db = Database::open(path);
    REQUIRE(db);
    auto log = EventLog::open(*db);
    REQUIRE(log);
    auto filed = db->prepare("SELECT COUNT(*), max(event_seq) FROM admissions_by_subject");
    REQUIRE(filed);
    REQUIRE(*filed->step());
    CHECK(filed->columnInt(0) == 2 * kBlock - 2 * kBlock / 3); // seq 3, 6, ... 2046 denied
    CHECK(filed->columnInt(1) == 2 * kBlock);
    checkAgainstScan(*db, *log);
}
