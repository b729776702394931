// The roster screen's "arrived" mark: an admission of the candidate's subject, whether filed with
// its block or in the block still filling (storage/event_log_admissions.cpp).

#include "kiosk/app/status_reader.hpp"
#include "kiosk/ui/ui_model.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/roster_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;

namespace {

storage::EventDraft scanOf(const std::string& subjectKey, Verdict verdict) {
    storage::EventDraft draft;
    draft.kind = storage::EventKind::Scan;
    draft.credentialType = "ticket";
    draft.subjectKey = subjectKey;
    draft.maskedId = "1101**********1234";
    draft.verdict = verdict;
    draft.detail = "{}";
    return draft;
}

// Candidate number -> arrived, for the whole roster.
std::map<std::string, bool> arrivals(storage::Database& db) {
    auto roster = kiosk::app::readRoster(db, "");
    REQUIRE(roster.ok());
    std::map<std::string, bool> out;
    for (const auto& entry : roster.value()) {
        out[entry.candidateNumber] = entry.arrived;
    }
    return out;
}

} // namespace

TEST_CASE(
    "The roster screen marks arrivals filed with their block and in the block still filling") {
    doorpost::test::TempDir dir;
    auto db = storage::Database::open(dir.file("kiosk.db"));
    REQUIRE(db.ok());
    auto log = storage::EventLog::open(db.value());
    REQUIRE(log.ok());
    // Two candidates share their key's first 16 characters: the prefix alone must not mark both.
    const std::string twin(16, 'b');
    std::vector<storage::RosterEntry> entries = {
        {"T-early", "Early", "key-early", "m", "am", "101", "1"},
        {"T-late", "Late", "key-late", "m", "am", "101", "2"},
        {"T-denied", "Denied", "key-denied", "m", "am", "101", "3"},
        {"T-twin-a", "Twin A", twin + "-a", "m", "am", "101", "4"},
        {"T-twin-b", "Twin B", twin + "-b", "m", "am", "101", "5"},
    };
    REQUIRE(storage::RosterStore(db.value()).replace(entries, {5, "test", 0, 0}).ok());

    REQUIRE(log.value().append(scanOf("key-early", Verdict::Admit)).ok());
    REQUIRE(log.value().append(scanOf(twin + "-a", Verdict::Admit)).ok());
    std::vector<storage::EventDraft> others(storage::EventLog::kBlock,
                                            scanOf("key-denied", Verdict::Deny));
    REQUIRE(log.value().appendMany(others).ok()); // completes the first block: filed
    REQUIRE(log.value().append(scanOf("key-late", Verdict::Admit)).ok()); // still filling

    auto arrived = arrivals(db.value());
    CHECK(arrived["T-early"]);
    CHECK(arrived["T-late"]);
    CHECK(arrived["T-twin-a"]);
    CHECK_FALSE(arrived["T-twin-b"]);
    CHECK_FALSE(arrived["T-denied"]);
}
