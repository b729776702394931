// Pull (issue 6, "what it must show" 5): a 50,000-candidate roster delivered and applied; a
// delta with deletions; the full snapshot when the cursor is too old (410); a page with a bad
// signature refused and the old set kept.

#include "storage/base/iso_time.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_store.hpp"
#include "sync/client/http_client.hpp"
#include "sync/client/sync_state.hpp"
#include "sync/set_signature.hpp"
#include "tests/sync/sync_harness.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::sync;
using namespace doorpost::sync::client;
using namespace doorpost::sync::test;

namespace {

std::vector<SetItem> candidates(int from, int count, const std::string& room = "A") {
    std::vector<SetItem> items;
    items.reserve(static_cast<std::size_t>(count));
    for (int i = from; i < from + count; ++i) {
        const std::string number = "2026" + std::to_string(100000 + i);
        items.push_back({number,
                         {{"candidate_no", number},
                          {"name", "Candidate " + std::to_string(i)},
                          {"masked_id", "1101**********" + std::to_string(1000 + i % 9000)},
                          {"session", "AM"},
                          {"room", room + std::to_string(i % 40)},
                          {"seat", i % 30}}});
    }
    return items;
}

std::int64_t kioskItems(Kiosk& kiosk, const std::string& set) {
    client::SyncState state(kiosk.db());
    auto cursor = state.setCursor(set);
    REQUIRE(cursor.ok());
    return cursor->items;
}

// What the gate reads: the roster table and its provenance row.
std::int64_t gateRosterCount(Kiosk& kiosk) {
    auto info = storage::RosterStore(kiosk.db()).info();
    REQUIRE(info.ok());
    REQUIRE(info->has_value());
    return (*info)->count;
}

std::optional<storage::RosterEntry> gateCandidate(Kiosk& kiosk, const std::string& number) {
    auto entry = storage::RosterStore(kiosk.db()).byCandidate(number);
    REQUIRE(entry.ok());
    return *entry;
}

} // namespace

TEST_CASE("pull: 50,000 candidates, a delta with deletions, a too-old cursor, a bad signature",
          "[sync][pull]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    auto session = client::SyncSession::open(kiosk.db(), testConfig(central.url(), token));
    REQUIRE(session.ok());
    client::SyncState state(kiosk.db());

    // 1. The full roster: 50,000 candidates in signed pages, applied page by page.
    auto version =
        central.store().upsertSet("roster", candidates(0, 50000), "2026-12-01T00:00:00Z", false);
    REQUIRE(version.ok());
    client::RoundReport report = (*session)->runRound();
    INFO(report.error);
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(report.refusedSets.empty());
    CHECK(kioskItems(kiosk, "roster") == 50000);
    CHECK(report.sets["roster"].cursor == *version);
    CHECK(report.sets["roster"].validUntil == "2026-12-01T00:00:00Z");
    auto sample = state.setItem("roster", "2026112345");
    REQUIRE(sample.ok());
    REQUIRE(sample->has_value());
    CHECK((**sample)["name"] == "Candidate 12345");
    // Applied where the gate reads it, with the set's valid-until.
    CHECK(gateRosterCount(kiosk) == 50000);
    auto candidate = gateCandidate(kiosk, "2026112345");
    REQUIRE(candidate.has_value());
    CHECK(candidate->name == "Candidate 12345");
    CHECK(candidate->seat == std::to_string(12345 % 30));
    CHECK(candidate->maskedId == "1101**********" + std::to_string(1000 + 12345 % 9000));
    CHECK(storage::RosterStore(kiosk.db()).info().value()->validUntil == 1796083200);

    // Up to date: the central answers 304 to the kiosk's cursor.
    client::HttpClient http({central.url(), token});
    CHECK(http.get("/v1/sets/roster?cursor=" + std::to_string(*version)).answer.status == 304);

    // 2. A delta with deletions: 1,000 withdrawn, 10 moved to another room, 5 added.
    auto next = candidates(1000, 49000);
    for (int i = 0; i < 10; ++i)
        next[static_cast<std::size_t>(i)].value["room"] = "B9";
    auto added = candidates(60000, 5);
    next.insert(next.end(), added.begin(), added.end());
    REQUIRE(central.store().upsertSet("roster", next, "", true).ok());
    auto delta = http.get("/v1/sets/roster?cursor=" + std::to_string(*version));
    REQUIRE(delta.answer.status == 200);
    auto page = setPageFromJson(parseJson(delta.answer.body).value());
    REQUIRE(page.ok());
    CHECK_FALSE(page->snapshot);
    CHECK(page->tombstones.size() == 1000);
    CHECK(page->upserts.size() == 15);
    report = (*session)->runRound();
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(kioskItems(kiosk, "roster") == 49005);
    CHECK_FALSE(state.setItem("roster", "2026100000").value().has_value());
    CHECK((*state.setItem("roster", "2026101000").value())["room"] == "B9");
    CHECK(state.setItem("roster", "2026160004").value().has_value());
    CHECK(gateRosterCount(kiosk) == 49005);
    CHECK_FALSE(gateCandidate(kiosk, "2026100000").has_value());
    CHECK(gateCandidate(kiosk, "2026101000")->room == "B9");
    CHECK(gateCandidate(kiosk, "2026160004").has_value());

    // 3. Too old: tombstones forgotten after the kiosk's cursor; 410, then a full snapshot.
    const std::int64_t oldCursor = report.sets["roster"].cursor;
    REQUIRE(central.store().removeFromSet("roster", {"2026101001", "2026101002"}).ok());
    REQUIRE(central.store().compactSet("roster").ok());
    CHECK(http.get("/v1/sets/roster?cursor=" + std::to_string(oldCursor)).answer.status == 410);
    report = (*session)->runRound();
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(kioskItems(kiosk, "roster") == 49003);
    CHECK_FALSE(state.setItem("roster", "2026101001").value().has_value());
    CHECK(report.sets["roster"].cursor > oldCursor);
    CHECK(gateRosterCount(kiosk) == 49003);
    CHECK_FALSE(gateCandidate(kiosk, "2026101001").has_value());
    CHECK(gateCandidate(kiosk, "2026101003").has_value());

    // 4. A page signed by another key (say, a substituted central) is refused; the set stays.
    const client::SetCursor before = state.setCursor("roster").value();
    {
        auto store = central::openSqliteSession(dir.file("central.db"));
        REQUIRE(store.ok());
        REQUIRE((*store)->run("DELETE FROM central_secrets").ok());
    }
    REQUIRE(central.store().upsertSet("roster", candidates(70000, 3), "", false).ok());
    report = (*session)->runRound();
    REQUIRE(std::find(report.refusedSets.begin(), report.refusedSets.end(), "roster") !=
            report.refusedSets.end());
    CHECK(report.error.find("bad signature") != std::string::npos);
    const client::SetCursor after = state.setCursor("roster").value();
    CHECK(after.cursor == before.cursor);
    CHECK(after.items == before.items);
    CHECK_FALSE(state.setItem("roster", "2026170000").value().has_value());
    CHECK(gateRosterCount(kiosk) == 49003);
    CHECK_FALSE(gateCandidate(kiosk, "2026170000").has_value());
}

TEST_CASE("pull: denylist and config sets land beside the roster", "[sync][pull]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    REQUIRE(
        central.store().upsertSet("denylist", {{"pass-7", {{"reason", "lost"}}}}, "", false).ok());
    REQUIRE(central.store().upsertSet("config", {{"reentry_window_s", 600}}, "", false).ok());
    Kiosk kiosk;
    const client::RoundReport report = syncUntilDone(kiosk.db(), testConfig(central.url(), token));
    REQUIRE(report.end == client::RoundEnd::Done);
    client::SyncState state(kiosk.db());
    CHECK(state.setItem("denylist", "pass-7").value().has_value());
    auto denied = storage::TrustStore(kiosk.db()).denied();
    REQUIRE(denied.ok());
    REQUIRE(denied->size() == 1);
    CHECK(denied->front().passId == "pass-7");
    CHECK(denied->front().source == "sync:denylist");
    CHECK(*state.setItem("config", "reentry_window_s").value() == 600);
}

TEST_CASE("pull: a set the central never published leaves the locally imported roster",
          "[sync][pull]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    storage::RosterEntry local{"2021110100731", "Local", "ab", "1101**********1234", "am",
                               "101",           "07"};
    REQUIRE(storage::RosterStore(kiosk.db()).replace({local}, {1, "local:roster.csv", 0, 0}).ok());

    client::RoundReport report = syncUntilDone(kiosk.db(), testConfig(central.url(), token));
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(gateRosterCount(kiosk) == 1);
    CHECK(gateCandidate(kiosk, "2021110100731").has_value());

    // Once the central publishes a roster, it is the door's roster.
    REQUIRE(
        central.store().upsertSet("roster", candidates(0, 3), "2026-12-01T00:00:00Z", false).ok());
    report = syncUntilDone(kiosk.db(), testConfig(central.url(), token));
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(gateRosterCount(kiosk) == 3);
    CHECK_FALSE(gateCandidate(kiosk, "2021110100731").has_value());
}

TEST_CASE("pull: a snapshot spanning pages reaches the gate only when complete", "[sync][pull]") {
    Kiosk kiosk;
    client::SyncState state(kiosk.db());
    auto page = [](std::int64_t after, std::int64_t nextAfter, std::vector<SetItem> items) {
        SetPage p;
        p.set = "roster";
        p.snapshot = true;
        p.after = after;
        p.nextAfter = nextAfter;
        p.nextCursor = 40;
        p.upserts = std::move(items);
        return p;
    };
    REQUIRE(state.applySetPage(page(0, 0, candidates(0, 2)), wallClockMs()).ok());
    CHECK(gateRosterCount(kiosk) == 2);

    // A new snapshot's first page: the kiosk's copy of the set is partial, the gate's is not.
    REQUIRE(state.applySetPage(page(0, 10, candidates(10, 1)), wallClockMs()).ok());
    CHECK(kioskItems(kiosk, "roster") == 1);
    CHECK(gateRosterCount(kiosk) == 2);
    CHECK(gateCandidate(kiosk, "2026100000").has_value());
    CHECK_FALSE(gateCandidate(kiosk, "2026100010").has_value());

    // The last page: the gate's roster is the new snapshot, whole.
    REQUIRE(state.applySetPage(page(10, 0, candidates(11, 2)), wallClockMs()).ok());
    CHECK(gateRosterCount(kiosk) == 3);
    CHECK_FALSE(gateCandidate(kiosk, "2026100000").has_value());
    CHECK(gateCandidate(kiosk, "2026100010").has_value());
    CHECK(gateCandidate(kiosk, "2026100012").has_value());
}
