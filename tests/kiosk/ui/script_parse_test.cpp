#include "kiosk/ui/script.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;

TEST_CASE("scripts parse taps, waits, checks and screenshots") {
    auto steps = parseScript("# a comment\n"
                             "tap manual\n"
                             "tap 100 200\n"
                             "type 张三\n"
                             "wait 50\n"
                             "frames 2\n"
                             "wait-for verdict admit 3000\n"
                             "expect screen door\n"
                             "expect-max taps 25\n"
                             "lang en\n"
                             "camera unplug\n"
                             "scan DP1:ABC\n"
                             "screenshot out.png\n"
                             "state\n");
    REQUIRE(steps.ok());
    REQUIRE(steps.value().size() == 13);
    CHECK(steps.value()[0].kind == ScriptStep::Kind::Tap);
    CHECK(steps.value()[0].arg == "manual");
    CHECK(steps.value()[1].kind == ScriptStep::Kind::TapAt);
    CHECK(steps.value()[1].x == 100);
    CHECK(steps.value()[2].arg == "张三");
    CHECK(steps.value()[5].number == 3000);
    CHECK(steps.value()[7].number == 25);
    CHECK(steps.value()[7].line == 9);
}

TEST_CASE("a bad script line is named") {
    auto steps = parseScript("tap manual\nfly away\n");
    REQUIRE_FALSE(steps.ok());
    CHECK(steps.error().message.find("line 2") != std::string::npos);
    CHECK_FALSE(parseScript("wait soon\n").ok());
    CHECK_FALSE(parseScript("lang fr\n").ok());
}
