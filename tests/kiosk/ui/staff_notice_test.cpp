// Staff toasts in the staff member's language: KioskStaff answers with a text id and values
// (StaffNotice), the staff screen words it in the language on screen, and re-words it when the
// language is switched while it is shown. Plus a screenshot of a zh-CN toast drawn in CJK glyphs.
#include "kiosk/app/kiosk_staff.hpp"
#include "kiosk/app/staff_notice.hpp"
#include "png_reader.hpp"
#include "tests/support/temp_dir.hpp"
#include "ui_harness.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <future>
#include <iostream>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;
using namespace doorpost::kiosk::ui::test;
namespace fs = std::filesystem;

namespace {

// The {N} placeholders a text uses, in order of index.
std::vector<int> placeholders(std::string_view text) {
    std::vector<int> out;
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (text[i] == '{' && text[i + 1] >= '0' && text[i + 1] <= '9' && text[i + 2] == '}') {
            out.push_back(text[i + 1] - '0');
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

StaffNotice answerOf(const std::function<void(StaffDone)>& action) {
    std::promise<StaffNotice> answer;
    action([&](StaffNotice n) { answer.set_value(std::move(n)); });
    return answer.get_future().get();
}

// Where two screenshots of the same size differ: how many pixels, inside which box.
struct Box {
    int pixels = 0;
    int left = 1 << 20;
    int top = 1 << 20;
    int right = -1;
    int bottom = -1;
};

Box changed(const Image& a, const Image& b) {
    REQUIRE(a.rgba.size() == b.rgba.size());
    Box box;
    for (std::size_t i = 0; i + 3 < a.rgba.size(); i += 4) {
        if (a.rgba[i] != b.rgba[i] || a.rgba[i + 1] != b.rgba[i + 1] ||
            a.rgba[i + 2] != b.rgba[i + 2]) {
            const int x = static_cast<int>(i / 4) % a.width;
            const int y = static_cast<int>(i / 4) / a.width;
            ++box.pixels;
            box.left = std::min(box.left, x);
            box.right = std::max(box.right, x);
            box.top = std::min(box.top, y);
            box.bottom = std::max(box.bottom, y);
        }
    }
    return box;
}

} // namespace

TEST_CASE("notice arguments fill {N} in either order, other braces and missing values stay") {
    CHECK(fillArgs("{1} -> {0}", {"a", "b"}) == "b -> a");
    CHECK(fillArgs("{0}{0}", {"x"}) == "xx");
    CHECK(fillArgs("json {\"k\"} {2} {", {"a"}) == "json {\"k\"} {2} {");
    CHECK(fillArgs("", {"a"}).empty());
    CHECK(formatNotice(Lang::Zh, staffOk(StaffOutcome::SyncDone, {"7"})) ==
          "同步完成，7 条记录待上传");
    CHECK(formatNotice(Lang::En, staffOk(StaffOutcome::SyncDone, {"7"})) ==
          "Sync: done, 7 events waiting");
}

TEST_CASE(
    "every text has the same placeholders in zh-CN and en, and staff texts are Chinese in zh") {
    for (int i = 0; i < static_cast<int>(Str::Count_); ++i) {
        const auto id = static_cast<Str>(i);
        INFO(tr(Lang::En, id));
        CHECK(placeholders(tr(Lang::Zh, id)) == placeholders(tr(Lang::En, id)));
    }
    for (int i = static_cast<int>(Str::StaffSyncNoCentral); i < static_cast<int>(Str::Count_);
         ++i) {
        const std::string zh = tr(Lang::Zh, static_cast<Str>(i));
        INFO(zh);
        // UTF-8 CJK ideographs start with 0xE4..0xE9; an untranslated English copy has none.
        CHECK(std::any_of(zh.begin(), zh.end(), [](char c) {
            const auto b = static_cast<unsigned char>(c);
            return b >= 0xE4 && b <= 0xE9;
        }));
        CHECK(zh != tr(Lang::En, static_cast<Str>(i)));
    }
}

TEST_CASE("KioskStaff's immediate answers are notices worded in both languages") {
    doorpost::test::TempDir dir;
    KioskStaffConfig config;
    config.dbPath = dir.file("kiosk.db");
    config.exePath = std::string(DOORPOST_BIN_DIR) + "/doorpost";
    config.mediaRoots = {(dir.path() / "media").string()};
    fs::create_directories(dir.path() / "media" / "staff" / "not-a-mount");
    KioskStaff staff(config, nullptr);

    const StaffNotice sync = answerOf([&](StaffDone d) { staff.syncNow(std::move(d)); });
    CHECK(sync.failed);
    CHECK(formatNotice(Lang::Zh, sync).find("未配置中心") != std::string::npos);
    CHECK(formatNotice(Lang::En, sync).find("no central configured") != std::string::npos);

    const StaffNotice camera =
        answerOf([&](StaffDone d) { staff.selectCamera("/dev/video1", std::move(d)); });
    CHECK(camera.failed);
    CHECK(formatNotice(Lang::Zh, camera) ==
          "无法切换到摄像头 /dev/video1：no camera feed in this kiosk");
    CHECK(formatNotice(Lang::En, camera) ==
          "Camera: cannot switch to /dev/video1: no camera feed in this kiosk");

    const StaffNotice profile =
        answerOf([&](StaffDone d) { staff.setSiteProfile("transit", std::move(d)); });
    CHECK(profile.failed);
    CHECK(formatNotice(Lang::Zh, profile) == "场所类型只能在启动时选择（run --profile transit）");
    CHECK(formatNotice(Lang::En, profile) ==
          "Site profile: chosen at start (run --profile transit)");

    // No --export-dir and nothing mounted under the media roots: no USB stick.
    const StaffNotice noStick =
        answerOf([&](StaffDone d) { staff.exportForAuditors(std::move(d)); });
    CHECK(noStick.failed);
    CHECK(noStick.what == StaffOutcome::ExportNoMedia);
    CHECK(formatNotice(Lang::Zh, noStick).find("未找到U盘") != std::string::npos);
    CHECK(formatNotice(Lang::En, noStick).find("no removable media found") != std::string::npos);
}

TEST_CASE("an export into a folder that is not writable names the folder in both languages") {
    doorpost::test::TempDir dir;
    KioskStaffConfig config;
    config.dbPath = dir.file("kiosk.db");
    config.exportDir = dir.file("absent");
    KioskStaff staff(config, nullptr);
    const StaffNotice n = answerOf([&](StaffDone d) { staff.exportForAuditors(std::move(d)); });
    CHECK(n.failed);
    CHECK(formatNotice(Lang::Zh, n) == "导出失败：" + config.exportDir + " 不是可写的文件夹");
    CHECK(formatNotice(Lang::En, n) == "Export: " + config.exportDir + " is not a writable folder");
}

TEST_CASE(
    "a staff toast in zh-CN is drawn in CJK glyphs and re-worded when the language switches") {
    const auto dir = screenshotDir("staff_toast");
    std::cout << "ui screenshots: " << dir.string() << std::endl;
    auto shot = [&](const std::string& name) {
        return "screenshot " + (dir / (name + ".png")).string() + "\n";
    };
    const std::string script = "lang zh\n"
                               "tap staff\n"
                               "tap pin_2\ntap pin_4\ntap pin_6\ntap pin_8\ntap pin_ok\n"
                               "wait-for screen staff\n"
                               "lang en\n" +
                               shot("staff_no_toast_en") + "lang zh\n" + shot("staff_no_toast_zh") +
                               "tap sync_now\n"
                               "wait-for staff_result ok\n" +
                               shot("staff_toast_zh") + "lang en\n" + shot("staff_toast_en") +
                               "lang zh\n" + shot("staff_toast_zh_again");
    FakeGate gate;
    FakeQuery query(gate);
    FakeStaff staff; // sync now answers StaffSyncDone with "0"
    const ScriptRun run = runScript(script, UiPorts{&gate, &query, &staff}, Lang::Zh);
    INFO(run.failure);
    REQUIRE(run.exitCode == 0);

    auto load = [&](const std::string& name) {
        Image image;
        REQUIRE(readPng((dir / (name + ".png")).string(), image));
        REQUIRE(image.width == 1280);
        REQUIRE(image.height == 800);
        return image;
    };
    const Image zh = load("staff_toast_zh");
    const Image en = load("staff_toast_en");
    // The toast is the only change on the staff screen: the pixels that differ are its glyphs,
    // in one line of text below the buttons.
    const Box zhBox = changed(load("staff_no_toast_zh"), zh);
    const Box enBox = changed(load("staff_no_toast_en"), en);
    std::cout << "staff toast ink: zh=" << zhBox.pixels << " en=" << enBox.pixels
              << " zh_box=" << zhBox.left << "," << zhBox.top << "-" << zhBox.right << ","
              << zhBox.bottom << std::endl;
    for (const Box& box : {zhBox, enBox}) {
        CHECK(box.top > 640);              // below the Lock / Shut down row
        CHECK(box.bottom - box.top < 40);  // one line
        CHECK(box.right - box.left > 150); // a sentence, not a mark
    }
    // "同步完成，0 条记录待上传" (12 glyphs) against "Sync: done, 0 events waiting" (24): an
    // ideograph carries far more ink than a Latin letter. A font without CJK glyphs would draw
    // each as a fallback '?' or box, with a letter's ink or less, and fail this (measured: 175
    // against 77 pixels a glyph; asked: more than 1.5 times).
    CHECK(2 * zhBox.pixels * 24 > 3 * enBox.pixels * 12);
    // Switching the language re-words the toast shown; switching back draws the same pixels.
    CHECK(changed(zh, load("staff_toast_zh_again")).pixels == 0);
}
