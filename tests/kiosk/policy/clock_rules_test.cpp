// The clock rules (docs/clock.md): evidence in, state and estimate out; and how decide() treats
// a time that is only a floor.

#include "kiosk/policy/clock_rules.hpp"
#include "kiosk/policy/decision.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk::credentials;
using namespace doorpost::kiosk::policy;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kBuild = 1'796'000'000'000;     // 2026-11-30
constexpr std::int64_t kLastEvent = kBuild + 8 * kDay; // 2026-12-07
constexpr std::int64_t kRtc2020 = 1'577'869'200'000;   // 2020-01-01 09:00 UTC

ClockEvidence evidence(std::int64_t wall) {
    ClockEvidence e;
    e.wallMs = wall;
    e.buildMs = kBuild;
    e.lastEventMs = kLastEvent;
    return e;
}

} // namespace

TEST_CASE("a wall clock at or after every floor is ok", "[clock]") {
    const auto reading = assessClock(evidence(kLastEvent + 60'000));
    CHECK(reading.state == ClockState::Ok);
    CHECK(reading.exact);
    CHECK(reading.estimateMs == kLastEvent + 60'000);
    CHECK(reading.offsetMs == 0);
    // Within the tolerance behind the last event (a few seconds of NTP slew): still ok.
    CHECK(assessClock(evidence(kLastEvent - kClockToleranceMs)).state == ClockState::Ok);
    // Stored for a year: nothing says a later clock is wrong.
    CHECK(assessClock(evidence(kLastEvent + 365 * kDay)).state == ClockState::Ok);
}

TEST_CASE("an RTC reset before the last event is suspect, estimated at that floor", "[clock]") {
    const auto reading = assessClock(evidence(kRtc2020));
    CHECK(reading.state == ClockState::Suspect);
    CHECK_FALSE(reading.exact);
    CHECK(reading.estimateMs == kLastEvent);
    CHECK(reading.offsetMs == kLastEvent - kRtc2020);
    CHECK(reading.basis == "last_event");

    // The latest floor wins, whichever evidence it comes from.
    auto e = evidence(kRtc2020);
    e.anchorFloorMs = kLastEvent + kDay;
    CHECK(assessClock(e).estimateMs == kLastEvent + kDay);
    CHECK(assessClock(e).basis == "anchor");
    e.trustFloorMs = kLastEvent + 2 * kDay;
    CHECK(assessClock(e).basis == "trust_data");
}

TEST_CASE("with only the build date to go by, a clock before it is unknown", "[clock]") {
    ClockEvidence e;
    e.wallMs = kRtc2020;
    e.buildMs = kBuild;
    const auto reading = assessClock(e);
    CHECK(reading.state == ClockState::Unknown);
    CHECK(reading.estimateMs == kBuild);
    CHECK_FALSE(reading.exact);
}

TEST_CASE("an anchor of this boot gives an exact estimate whatever the wall clock does",
          "[clock]") {
    // Two years forward mid-run: the anchor (a sync) says the true time.
    auto e = evidence(kLastEvent + 730 * kDay);
    e.anchoredMs = kLastEvent + 3'600'000;
    e.anchorSource = "sync";
    auto reading = assessClock(e);
    CHECK(reading.state == ClockState::Suspect);
    CHECK(reading.exact);
    CHECK(reading.estimateMs == kLastEvent + 3'600'000);
    CHECK(reading.offsetMs == 3'600'000 - 730 * kDay);
    CHECK(reading.basis == "sync");

    // Back to 2020: also exact, and an anchor beats every floor.
    e.wallMs = kRtc2020;
    e.anchorSource = "staff";
    reading = assessClock(e);
    CHECK(reading.exact);
    CHECK(reading.basis == "staff");
    CHECK(reading.estimateMs == kLastEvent + 3'600'000);

    // Agreeing within the tolerance: ok, and the wall clock is used as it is.
    e.wallMs = kLastEvent + 3'600'000 + 5'000;
    reading = assessClock(e);
    CHECK(reading.state == ClockState::Ok);
    CHECK(reading.estimateMs == e.wallMs);
    CHECK(reading.offsetMs == 0);
}

namespace {

CredentialResult pass() {
    CredentialResult c;
    c.kind = CredentialKind::Dp1;
    c.status = sync::pass::PassStatus::Green;
    c.subjectKey = "ab";
    return c;
}

Decision decideAt(const CredentialResult& c, bool floor,
                  std::optional<PriorAdmission> last = std::nullopt) {
    const SiteProfile profile = transitProfile();
    DecisionInput input{c, profile};
    input.now = kLastEvent / 1000;
    input.rosterLoaded = true;
    input.onRoster = true;
    input.lastAdmission = last;
    input.clockIsFloor = floor;
    return decide(input);
}

bool has(const Decision& d, Reason r) {
    return std::find(d.reasons.begin(), d.reasons.end(), r) != d.reasons.end();
}

} // namespace

TEST_CASE("a floor cannot say a pass is not yet valid: refer with device_clock_wrong",
          "[clock][policy]") {
    auto early = pass();
    early.fail(Reason::PassNotYetValid, "expiry: not yet valid");
    CHECK(decideAt(early, false).verdict == Verdict::Deny); // a clock that is ok: denied

    const auto floored = decideAt(early, true);
    CHECK(floored.verdict == Verdict::Refer);
    CHECK(floored.reasons.front() == Reason::DeviceClockWrong);
    CHECK(has(floored, Reason::PassNotYetValid));

    // Expired at the floor is expired: the true time is not earlier than the floor.
    auto expired = pass();
    expired.fail(Reason::PassExpired, "expiry: expired");
    CHECK(decideAt(expired, true).verdict == Verdict::Deny);

    // A time problem beside another one is denied for the other.
    auto revoked = pass();
    revoked.fail(Reason::PassNotYetValid, "expiry: not yet valid");
    revoked.fail(Reason::PassRevoked, "revoked");
    CHECK(decideAt(revoked, true).verdict == Verdict::Deny);
}

TEST_CASE("a decision at a floor says so beside its verdict", "[clock][policy]") {
    const auto admitted = decideAt(pass(), true);
    CHECK(admitted.verdict == Verdict::Admit);
    CHECK(admitted.reasons.front() == Reason::CredentialValid);
    CHECK(has(admitted, Reason::DeviceClockWrong));
    CHECK_FALSE(has(decideAt(pass(), false), Reason::DeviceClockWrong));
}
