#include "kiosk/policy/decision.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk::credentials;
using namespace doorpost::kiosk::policy;
using doorpost::sync::pass::PassStatus;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

CredentialResult validPass(PassStatus status = PassStatus::Green) {
    CredentialResult c;
    c.kind = CredentialKind::Dp1;
    c.status = status;
    c.subjectKey = "ab";
    return c;
}

Decision run(const CredentialResult& c, const SiteProfile& p,
             std::optional<std::int64_t> validUntil = {}, bool onRoster = true,
             std::optional<PriorAdmission> last = {}) {
    DecisionInput input{c, p};
    input.now = kNow;
    input.trustValidUntil = validUntil;
    input.rosterLoaded = true;
    input.onRoster = onRoster;
    input.lastAdmission = last;
    return decide(input);
}

} // namespace

TEST_CASE("transit admits a valid green pass and refers yellow, denies red", "[policy]") {
    const auto transit = transitProfile();
    CHECK(run(validPass(), transit).verdict == Verdict::Admit);
    CHECK(run(validPass(PassStatus::Yellow), transit).reasons.front() == Reason::StatusYellow);
    CHECK(run(validPass(PassStatus::Yellow), transit).verdict == Verdict::Refer);
    CHECK(run(validPass(PassStatus::Red), transit).verdict == Verdict::Deny);
}

TEST_CASE("an invalid credential is denied with its own reasons", "[policy]") {
    auto c = validPass();
    c.fail(Reason::PassRevoked, "revoked");
    const auto d = run(c, transitProfile());
    CHECK(d.verdict == Verdict::Deny);
    CHECK(d.reasons == std::vector{Reason::PassRevoked});
}

TEST_CASE("stale trust data warns, then fails closed or keeps warning", "[policy]") {
    auto exam = examProfile(); // warn 24 h, then fail closed
    const auto warn = run(validPass(), exam, kNow - 3600);
    CHECK(warn.verdict == Verdict::Admit);
    CHECK(std::count(warn.reasons.begin(), warn.reasons.end(), Reason::TrustDataStale) == 1);
    const auto closed = run(validPass(), exam, kNow - 25 * 3600);
    CHECK(closed.verdict == Verdict::Refer);
    CHECK(closed.reasons.front() == Reason::TrustDataExpired);
    auto transit = transitProfile(); // keeps warning
    const auto kept = run(validPass(), transit, kNow - 365 * 24 * 3600);
    CHECK(kept.verdict == Verdict::Admit);
    CHECK(kept.reasons.back() == Reason::TrustDataStale);
}

TEST_CASE("exam needs the roster and re-entry within the window is referred", "[policy]") {
    const auto exam = examProfile();
    CredentialResult ticket;
    ticket.kind = CredentialKind::Ticket;
    ticket.candidateNumber = "100012345";
    CHECK(run(ticket, exam).verdict == Verdict::Admit);
    CHECK(run(ticket, exam).reasons.front() == Reason::TicketValid);
    CHECK(run(ticket, exam, {}, false).verdict == Verdict::Deny);
    CHECK(run(ticket, exam, {}, false).reasons.front() == Reason::NotOnRoster);
    const auto again = run(ticket, exam, {}, true, PriorAdmission{kNow - 600, "door-2"});
    CHECK(again.verdict == Verdict::Refer);
    CHECK(again.reasons.front() == Reason::AlreadyAdmitted);
    // The decision names the door and the time as values; the screen words them (issue 14).
    REQUIRE(again.alreadyAdmitted);
    CHECK(again.alreadyAdmitted->door == "door-2");
    CHECK(again.alreadyAdmitted->at == kNow - 600);
    CHECK(again.detail.empty());
    CHECK(run(ticket, exam, {}, true, PriorAdmission{kNow - 5 * 3600, "door-2"}).verdict ==
          Verdict::Admit);
    // Transit does not count exam tickets at all.
    CHECK(run(ticket, transitProfile()).reasons.front() == Reason::CredentialNotAccepted);
}

TEST_CASE("custom profiles come from TOML and errors name the key", "[policy]") {
    auto custom = parseSiteProfile(R"(
profile = "night-bus"
[profiles.night-bus]
base = "transit"
credentials = ["dp1"]
reentry_window_minutes = 2
trust_after_warning = "fail_closed"
manual_reasons = ["no_phone"]
)");
    REQUIRE(custom);
    CHECK(custom->name == "night-bus");
    CHECK(custom->accepted == std::set{CredentialKind::Dp1});
    CHECK(custom->reentryWindowSeconds == 120);
    CHECK(custom->afterWarning == StaleMode::FailClosed);
    CHECK(custom->trustWarnSeconds == transitProfile().trustWarnSeconds);
    CHECK(custom->manualReasons == std::set<std::string>{"no_phone"});
    CHECK(parseSiteProfile("", "transit")->name == "transit");
    auto bad = parseSiteProfile("[profiles.x]\ncredentials = [\"qr\"]\n", "x");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("profiles.x.credentials"));
    auto broken = parseSiteProfile("profile = \n");
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::Contains("line 1"));
    CHECK_FALSE(parseSiteProfile("", "nowhere"));
}
