// LogQuery's counters of today: counted once, then kept up to date from the events appended
// since, with the same answer a full recount of the day gives.

#include "kiosk/app/log_query.hpp"
#include "storage/base/local_time.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <ctime>
#include <future>

using namespace doorpost;
using namespace doorpost::kiosk::app;

namespace {

storage::EventDraft event(storage::EventKind kind, Verdict verdict, std::int64_t wallMs) {
    storage::EventDraft draft;
    draft.kind = kind;
    draft.credentialType = "dp1";
    draft.subjectKey = "subject";
    draft.maskedId = "1101**********1234";
    draft.verdict = verdict;
    draft.operatorId = "door";
    draft.detail = "{}";
    draft.wallTimeMs = wallMs;
    return draft;
}

TodayCounters countersOf(LogQuery& query) {
    std::promise<Result<TodayCounters>> answer;
    query.todayCounters([&answer](Result<TodayCounters> r) { answer.set_value(std::move(r)); });
    auto result = answer.get_future().get();
    REQUIRE(result.ok());
    return result.value();
}

void checkEqual(const TodayCounters& a, const TodayCounters& b) {
    CHECK(a.admitted == b.admitted);
    CHECK(a.denied == b.denied);
    CHECK(a.referred == b.referred);
    CHECK(a.manual == b.manual);
}

} // namespace

TEST_CASE("today's counters follow new events and match a full recount") {
    doorpost::test::TempDir dir;
    const std::string path = dir.file("kiosk.db");
    auto db = storage::Database::open(path);
    REQUIRE(db);
    auto log = storage::EventLog::open(*db);
    REQUIRE(log);
    const std::int64_t nowMs = static_cast<std::int64_t>(std::time(nullptr)) * 1000;
    const std::int64_t yesterdayMs = (startOfLocalDay(nowMs / 1000) - 3600) * 1000;
    using K = storage::EventKind;
    using V = Verdict;
    REQUIRE(log->append(event(K::Scan, V::Admit, yesterdayMs)));
    REQUIRE(log->append(event(K::Scan, V::Admit, nowMs)));
    REQUIRE(log->append(event(K::Scan, V::Deny, nowMs)));

    LogQuery query(path);
    checkEqual(countersOf(query), TodayCounters{1, 1, 0, 0});

    // Appended after the first count, through another connection (the gate's): added on top.
    REQUIRE(log->append(event(K::Manual, V::Admit, nowMs)));
    REQUIRE(log->append(event(K::Scan, V::Refer, nowMs)));
    REQUIRE(log->append(event(K::Scan, V::Admit, yesterdayMs))); // a clock set back: not today
    const TodayCounters followed = countersOf(query);
    checkEqual(followed, TodayCounters{2, 1, 1, 1});
    checkEqual(countersOf(query), followed); // nothing new: nothing changes

    LogQuery fresh(path); // counts the whole day from scratch
    checkEqual(countersOf(fresh), followed);
}
