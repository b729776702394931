#include "kiosk/app/staff_auth.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace std::chrono_literals;

TEST_CASE("PIN lockout starts after five failures and doubles") {
    PinLockout lockout;
    const auto t0 = PinLockout::Clock::time_point{} + 1000s;
    for (int i = 0; i < 4; ++i) {
        lockout.recordFailure(t0);
        CHECK_FALSE(lockout.locked(t0));
    }
    lockout.recordFailure(t0);
    CHECK(lockout.locked(t0));
    CHECK(lockout.locked(t0 + 29s));
    CHECK_FALSE(lockout.locked(t0 + 30s));

    const auto t1 = t0 + 31s;
    for (int i = 0; i < 5; ++i) {
        lockout.recordFailure(t1);
    }
    CHECK(lockout.locked(t1 + 59s)); // the second lock is twice as long
    CHECK_FALSE(lockout.locked(t1 + 60s));

    lockout.recordSuccess();
    CHECK_FALSE(lockout.locked(t1));
    CHECK(lockout.failures() == 0);
}

TEST_CASE("the staff PIN is stored as argon2id and checked off the calling thread") {
    auto hash = StaffAuth::hashPin("2468");
    REQUIRE(hash.ok());
    CHECK(hash.value().rfind("$argon2id$", 0) == 0);
    CHECK(hash.value().find("2468") == std::string::npos);
    CHECK_FALSE(StaffAuth::hashPin("12").ok());

    StaffAuth auth(hash.value());
    std::promise<bool> right;
    REQUIRE(auth.startCheck("2468", [&](bool ok) { right.set_value(ok); }));
    CHECK(auth.checking());
    CHECK(right.get_future().get());
    auth.finish(true, PinLockout::Clock::now());

    std::promise<bool> wrong;
    REQUIRE(auth.startCheck("1357", [&](bool ok) { wrong.set_value(ok); }));
    CHECK_FALSE(wrong.get_future().get());
    auth.finish(false, PinLockout::Clock::now());
    CHECK(auth.lockout().failures() == 1);
}

TEST_CASE("the auditor's PIN is told apart from the staff PIN, and either alone opens the pad") {
    auto staff = StaffAuth::hashPin("2468");
    auto auditor = StaffAuth::hashPin("1357");
    REQUIRE(staff.ok());
    REQUIRE(auditor.ok());
    StaffAuth auth(staff.value(), auditor.value());
    for (const auto& [pin, role] : {std::pair<const char*, PinRole>{"2468", PinRole::Staff},
                                    {"1357", PinRole::Auditor},
                                    {"9999", PinRole::None}}) {
        std::promise<PinRole> answer;
        REQUIRE(auth.startRoleCheck(pin, [&](PinRole r) { answer.set_value(r); }));
        CHECK(answer.get_future().get() == role);
        auth.finish(role != PinRole::None, PinLockout::Clock::now());
    }
    CHECK(StaffAuth("", auditor.value()).hasPin());
    CHECK_FALSE(StaffAuth("", "").hasPin());
}
