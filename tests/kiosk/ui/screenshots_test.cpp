// What it must show (1): screenshots of every screen state a person meets, in zh-CN and en.
#include "png_reader.hpp"
#include "ui_harness.hpp"

#include <catch2/catch.hpp>
#include <iostream>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;
using namespace doorpost::kiosk::ui::test;

namespace {

std::string screenshotScript(const std::filesystem::path& dir, const std::string& lang) {
    auto shot = [&](const std::string& name) {
        return "screenshot " + (dir / (name + "_" + lang + ".png")).string() + "\n";
    };
    return "lang " + lang + "\n" + "wait-for admitted 0\n" + shot("01_door_ready") +
           "scan ADMIT:2021110100731\n"
           "wait-for verdict admit\n" +
           shot("02_admit_exam") +
           "scan DENY:DP1-revoked\n"
           "wait-for verdict deny\n" +
           shot("03_deny_reason") +
           "scan REFER:DP1-yellow\n"
           "wait-for verdict refer\n" +
           shot("04_refer") +
           "tap manual\n"
           "tap key_1\ntap key_1\ntap key_0\ntap key_1\ntap key_0\ntap key_5\n"
           "tap key_1\ntap key_9\ntap key_4\ntap key_9\ntap key_1\ntap key_2\ntap key_3\ntap "
           "key_1\n"
           "tap key_0\ntap key_0\ntap key_2\ntap key_1\n"
           "expect id_status check_wrong\n" +
           shot("05_manual_invalid") +
           "tap key_del\ntap key_X\n"
           "expect id_status check_ok\n"
           "expect id_birth 1949-12-31\n"
           "tap reason_no_phone\n" +
           shot("06_manual_valid") +
           "tap back\n"
           "tap staff\n"
           "tap pin_2\ntap pin_4\ntap pin_6\n"
           "expect screen pin\n" +
           shot("07_pin_pad") +
           "tap pin_8\ntap pin_ok\n"
           "wait-for screen staff\n" +
           shot("08_staff_settings") +
           "tap back\n"
           "expect staff_unlocked false\n"
           "tap stats\n"
           "wait-for stats_total 547\n" +
           shot("09_statistics") +
           "tap back\n"
           "tap roster\n"
           "wait-for roster_not_arrived 2\n" +
           shot("10_roster") + "expect-min min_touch_px 64\n";
}

} // namespace

TEST_CASE("screenshots of every screen, in zh-CN and en") {
    const auto dir = screenshotDir("screens");
    std::cout << "ui screenshots: " << dir.string() << std::endl;
    for (const std::string lang : {"zh", "en"}) {
        FakeGate gate;
        FakeQuery query(gate);
        FakeStaff staff;
        const ScriptRun run = runScript(screenshotScript(dir, lang), UiPorts{&gate, &query, &staff},
                                        lang == "zh" ? Lang::Zh : Lang::En);
        INFO(run.failure);
        REQUIRE(run.exitCode == 0);

        auto load = [&](const std::string& name) {
            Image image;
            REQUIRE(readPng((dir / (name + "_" + lang + ".png")).string(), image));
            CHECK(image.width == 1280);
            CHECK(image.height == 800);
            return image;
        };
        // The verdict panels are large colour fields (besides their icon and words).
        CHECK(countColour(load("02_admit_exam"), 0x1B, 0x7F, 0x3B) > 150000);
        CHECK(countColour(load("03_deny_reason"), 0xC6, 0x28, 0x28) > 150000);
        CHECK(countColour(load("04_refer"), 0xF2, 0xA0, 0x0C) > 150000);
        // Ready: no verdict field; only the green central and trust chips (well under 40k px).
        CHECK(countColour(load("01_door_ready"), 0x1B, 0x7F, 0x3B) < 40000);
        for (const char* name : {"05_manual_invalid", "06_manual_valid", "07_pin_pad",
                                 "08_staff_settings", "09_statistics", "10_roster"}) {
            load(name);
        }
    }
}
