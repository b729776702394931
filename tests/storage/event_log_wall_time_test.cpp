// Time-range reads without a wall-time index (migration 6): they must find exactly what a full
// scan finds, whatever the clock did, with or without the per-block summaries.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/storage/raw_events.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::storage::test::RawEvent;
using doorpost::storage::test::writeRawEvents;
using doorpost::test::TempDir;

namespace {

constexpr std::int64_t kBlock = EventLog::kBlock;
constexpr std::int64_t kStartMs = 1'800'000'000'000;

EventDraft at(std::int64_t wallMs, int n) {
    EventDraft draft;
    draft.kind = EventKind::Scan;
    draft.credentialType = "dp1";
    draft.subjectKey = "subject-" + std::to_string(n % 97);
    draft.maskedId = "1101**********1234";
    draft.verdict = n % 5 == 0 ? Verdict::Deny : Verdict::Admit;
    draft.reasons = {"credential_valid"};
    draft.operatorId = "staff-1";
    draft.detail = "{}";
    draft.wallTimeMs = wallMs;
    return draft;
}

// Wall times one second apart, jittered, with the clock set back an hour for 300 events in the
// second block and forward a day for 50 in the third: summaries must hold each block's true
// min and max, not its first and last event.
std::vector<std::int64_t> clockWithJumps(int count) {
    std::mt19937_64 random(7);
    std::vector<std::int64_t> wall;
    for (int i = 1; i <= count; ++i) {
        std::int64_t ms =
            kStartMs + std::int64_t{i} * 1000 + static_cast<std::int64_t>(random() % 900);
        if (i > 1300 && i <= 1600) {
            ms -= 3'600'000;
        }
        if (i > 2200 && i <= 2250) {
            ms += 86'400'000;
        }
        wall.push_back(ms);
    }
    return wall;
}

struct Fixture {
    TempDir dir;
    Database db = std::move(Database::open(dir.file("kiosk.db")).value());
    EventLog log = std::move(EventLog::open(db).value());

    void appendAll(const std::vector<std::int64_t>& wall) {
        std::vector<EventDraft> drafts;
        for (std::size_t i = 0; i < wall.size(); ++i) {
            drafts.push_back(at(wall[i], static_cast<int>(i)));
        }
        REQUIRE(log.appendMany(drafts));
    }
    std::int64_t count(const std::string& sql) {
        auto stmt = db.prepare(sql);
        REQUIRE(stmt);
        REQUIRE(*stmt->step());
        return stmt->columnInt(0);
    }
};

// The seqs a full scan finds in [fromMs, toMs).
std::vector<std::int64_t> scanned(const std::vector<std::int64_t>& wall, std::int64_t fromMs,
                                  std::int64_t toMs) {
    std::vector<std::int64_t> seqs;
    for (std::size_t i = 0; i < wall.size(); ++i) {
        if (wall[i] >= fromMs && wall[i] < toMs) {
            seqs.push_back(static_cast<std::int64_t>(i) + 1);
        }
    }
    return seqs;
}

// Compares every time-range read with the full scan on ranges chosen to hit the jumps, block
// edges, the unsummarised tail, and nothing at all.
void checkAgainstScan(EventLog& log, const std::vector<std::int64_t>& wall) {
    std::mt19937_64 random(11);
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges = {
        {kStartMs - 3'600'000, kStartMs + 400'000},     // the set-back events and block 0
        {wall[1023], wall[1023] + 1},                   // the last event of block 0 alone
        {kStartMs + 86'400'000, kStartMs + 90'000'000}, // the day-ahead events only
        {kStartMs + 2'900'000, kStartMs + 99'000'000},  // reaches into the tail
        {0, kStartMs},                                  // before everything
        {kStartMs + 5'000, kStartMs + 5'000},           // empty range
    };
    for (int i = 0; i < 40; ++i) {
        const std::int64_t from =
            kStartMs - 4'000'000 + static_cast<std::int64_t>(random() % 7'500'000);
        ranges.emplace_back(from, from + static_cast<std::int64_t>(random() % 2'000'000));
    }
    for (const auto& [from, to] : ranges) {
        INFO("range [" << from << ", " << to << ")");
        const auto expected = scanned(wall, from, to);

        std::vector<std::int64_t> seqs;
        REQUIRE(log.forEachInWallTimeRange(from, to, [&](const Event& e) {
            CHECK(e.wallTimeMs >= from);
            CHECK(e.wallTimeMs < to);
            seqs.push_back(e.seq);
            return true;
        }));
        CHECK(seqs == expected);

        auto span = log.seqSpanInWallTimeRange(from, to);
        REQUIRE(span);
        if (expected.empty()) {
            CHECK_FALSE(span->has_value());
        } else {
            REQUIRE(span->has_value());
            CHECK((*span)->first == expected.front());
            CHECK((*span)->last == expected.back());
        }

        auto ordered = log.readWallTimeRange(from, to, 50);
        REQUIRE(ordered);
        CHECK(ordered->size() == std::min<std::size_t>(expected.size(), 50));
        CHECK(std::is_sorted(ordered->begin(), ordered->end(), [](const Event& a, const Event& b) {
            return a.wallTimeMs != b.wallTimeMs ? a.wallTimeMs < b.wallTimeMs : a.seq < b.seq;
        }));
    }
}

} // namespace

TEST_CASE("Time-range reads find exactly what a full scan finds, across clock jumps and the tail") {
    Fixture f;
    const auto wall = clockWithJumps(2 * kBlock + 700);
    f.appendAll(wall);

    // Two complete blocks are summarised with their true extremes; the tail is not.
    CHECK(f.count("SELECT COUNT(*) FROM events_wall_time") == 2);
    CHECK(f.count("SELECT min_wall_ms FROM events_wall_time WHERE block = 1") ==
          *std::min_element(wall.begin() + kBlock, wall.begin() + 2 * kBlock));
    CHECK(f.count("SELECT max_wall_ms FROM events_wall_time WHERE block = 1") ==
          *std::max_element(wall.begin() + kBlock, wall.begin() + 2 * kBlock));
    checkAgainstScan(f.log, wall);

    SECTION("a lost summary only costs a longer scan") {
        REQUIRE(f.db.exec("DELETE FROM events_wall_time WHERE block = 0"));
        checkAgainstScan(f.log, wall);
    }
}

TEST_CASE("An append writes no wall-time index, the append completing a block writes its summary") {
    Fixture f;
    CHECK(f.count("SELECT COUNT(*) FROM pragma_index_info('events_by_wall_time')") == 0);
    CHECK(f.count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
                  " AND sql LIKE '%wall_time_ms%'") == 0);

    auto wall = clockWithJumps(static_cast<int>(kBlock));
    wall.back() = kStartMs - 1; // the block's minimum is its last event
    for (std::int64_t i = 0; i + 1 < kBlock; ++i) {
        REQUIRE(f.log.append(at(wall[static_cast<std::size_t>(i)], static_cast<int>(i))));
    }
    CHECK(f.count("SELECT COUNT(*) FROM events_wall_time") == 0);
    REQUIRE(*f.log.append(at(wall.back(), 0)) == kBlock);
    CHECK(f.count("SELECT min_wall_ms FROM events_wall_time WHERE block = 0") == kStartMs - 1);
    CHECK(f.count("SELECT max_wall_ms FROM events_wall_time WHERE block = 0") ==
          *std::max_element(wall.begin(), wall.end()));
}

TEST_CASE("Migration 6 summarises the complete blocks of an existing log") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    const auto wall = clockWithJumps(2 * kBlock + 10);
    writeRawEvents(path, 5, static_cast<std::int64_t>(wall.size()), [&](std::int64_t seq) {
        return RawEvent{wall[static_cast<std::size_t>(seq - 1)]};
    });
    auto db = Database::open(path);
    REQUIRE(db);
    auto log = EventLog::open(*db);
    REQUIRE(log);
    auto rows =
        db->prepare("SELECT block, min_wall_ms, max_wall_ms FROM events_wall_time ORDER BY block");
    REQUIRE(rows);
    for (std::int64_t block = 0; block < 2; ++block) {
        REQUIRE(*rows->step());
        CHECK(rows->columnInt(0) == block);
        const auto first = wall.begin() + block * kBlock;
        CHECK(rows->columnInt(1) == *std::min_element(first, first + kBlock));
        CHECK(rows->columnInt(2) == *std::max_element(first, first + kBlock));
    }
    CHECK_FALSE(*rows->step()); // the 10 events of the third block are not a block yet
    checkAgainstScan(*log, wall);
}
