// A person registered by hand by tapping the keypad, counted in taps.
#include "ui_harness.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;
using namespace doorpost::kiosk::ui::test;

namespace {

std::string tapDigits(const std::string& id) {
    std::string script;
    for (char c : id) {
        script += std::string("tap key_") + c + "\n";
    }
    return script;
}

} // namespace

TEST_CASE("manual registration of a resident ID by keypad takes at most 25 taps") {
    FakeGate gate;
    FakeQuery query(gate);
    const std::string script = "tap manual\n" + tapDigits("440524188001010014") +
                               "expect id_status check_ok\n"
                               "expect id_sex M\n"
                               "tap reason_will_not_scan\n"
                               "tap confirm\n"
                               "wait-for verdict admit\n"
                               "expect screen door\n"
                               "wait-for manual 1\n"
                               "expect-max taps 25\n"
                               "expect taps 21\n";
    const ScriptRun run = runScript(script, UiPorts{&gate, &query, nullptr});
    INFO(run.failure);
    REQUIRE(run.exitCode == 0);
    const auto registrations = gate.registrations();
    REQUIRE(registrations.size() == 1);
    CHECK(registrations[0].idNumber == "440524188001010014");
    CHECK(registrations[0].idType == IdType::Resident);
    CHECK(registrations[0].reason == ManualReason::WillNotScan);
    // The 18th digit made the number valid: the gate was asked for its subject key then, once,
    // before confirm (the derivation runs while staff pick the reason).
    CHECK(gate.hints() == std::vector<std::string>{"forget", "prepare:440524188001010014",
                                                   "submit:440524188001010014"});
}

TEST_CASE("a code read while staff type a registration does not take the form away") {
    FakeGate gate;
    FakeQuery query(gate);
    const std::string script = "tap manual\n" + tapDigits("4405241880") +
                               "scan ADMIT:the next person in the queue\n"
                               "wait-for verdict admit\n"
                               "expect screen manual\n" +
                               tapDigits("01010014") +
                               "expect id_status check_ok\n"
                               "tap reason_will_not_scan\n"
                               "tap confirm\n"
                               "wait-for manual 1\n"
                               "expect screen door\n";
    const ScriptRun run = runScript(script, UiPorts{&gate, &query, nullptr});
    INFO(run.failure);
    REQUIRE(run.exitCode == 0);
    const auto registrations = gate.registrations();
    REQUIRE(registrations.size() == 1);
    CHECK(registrations[0].idNumber == "440524188001010014");
}

TEST_CASE("confirm stays disabled for an invalid ID or without a reason") {
    FakeGate gate;
    const std::string script = "tap manual\n" + tapDigits("110105194912310021") +
                               "expect id_status check_wrong\n"
                               "tap reason_no_phone\n"
                               "state\n";
    REQUIRE(runScript(script, UiPorts{&gate, nullptr, nullptr}).exitCode == 0);
    // Tapping the disabled confirm times out with the widget named.
    const ScriptRun blocked = runScript(script + "tap confirm\n", UiPorts{&gate, nullptr, nullptr});
    CHECK(blocked.exitCode == 1);
    CHECK(blocked.failure.find("confirm") != std::string::npos);
    CHECK(gate.registrations().empty());
}

TEST_CASE("the form asks for a subject key only for a complete valid number, and forgets it") {
    FakeGate gate;
    // Wrong check character: nothing asked. Corrected: asked. Edited away: forgotten.
    const std::string script = "tap manual\n" + tapDigits("110105194912310021") +
                               "expect id_status check_wrong\n"
                               "tap key_del\n" +
                               tapDigits("X") +
                               "expect id_status check_ok\n"
                               "tap key_del\n"
                               "expect id_status incomplete\n";
    const ScriptRun run = runScript(script, UiPorts{&gate, nullptr, nullptr});
    INFO(run.failure);
    REQUIRE(run.exitCode == 0);
    CHECK(gate.hints() ==
          std::vector<std::string>{"forget", "prepare:11010519491231002X", "forget"});
}

TEST_CASE("a wrong staff PIN is refused, the right one opens staff settings") {
    const std::string script = "tap staff\n"
                               "tap pin_1\ntap pin_1\ntap pin_1\ntap pin_1\ntap pin_ok\n"
                               "wait-for pin_state wrong\n"
                               "expect screen pin\n"
                               "tap pin_2\ntap pin_4\ntap pin_6\ntap pin_8\ntap pin_ok\n"
                               "wait-for screen staff\n"
                               "tap lock\n"
                               "expect screen door\n"
                               "expect staff_unlocked false\n";
    const ScriptRun run = runScript(script, UiPorts{});
    INFO(run.failure);
    CHECK(run.exitCode == 0);
}
