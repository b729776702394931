// The operator status page in a real browser: headless Chromium (Debian's `chromium`) loads `/`
// from a test central with an operator's credential, the rendered DOM is checked against the
// store (each door's state, events waiting, events held; each set's version) and a screenshot
// is written (build/test-screenshots/central-status-{en,zh-CN}.png) for a person to look at.

#include "sync/central/status_page.hpp"
#include "sync/client/http_client.hpp"
#include "sync/event_wire.hpp"
#include "tests/support/command_run.hpp"
#include "tests/sync/sync_harness.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace doorpost;
using namespace doorpost::sync;
using namespace doorpost::sync::test;

namespace {

std::string chromium(const TempDir& dir, const std::string& url, const std::string& what) {
    // Root in a container: no sandbox; a fresh profile; nothing fetched from elsewhere.
    const std::string command =
        "timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --disable-default-apps --hide-scrollbars --user-data-dir=" +
        dir.file("profile-" + std::to_string(std::rand())) + " " + what + " '" + url + "'";
    const doorpost::test::CommandRun run = doorpost::test::runCommand(command);
    INFO(command << "\n" << run.err.substr(0, 2000));
    REQUIRE(run.exitCode == 0);
    return run.out;
}

std::string pushBody(Kiosk& kiosk, std::int64_t from, std::int64_t to) {
    auto events = kiosk.log().readSeqRange(from, to);
    REQUIRE(events.ok());
    PushRequest request{kiosk.status().epoch, {}, ""};
    for (const auto& event : *events)
        request.events.push_back(toWire(event));
    request.headHash = request.events.back().hash;
    return dumpJson(toJson(request));
}

} // namespace

TEST_CASE("the status page, rendered by headless Chromium, shows what the store holds",
          "[sync][central][browser]") {
    if (doorpost::test::runCommand("command -v chromium").exitCode != 0)
        FAIL("chromium is not installed (scripts/debian-packages.txt lists it)");
    TempDir dir;
    central::ServerOptions options;
    options.quietAfterS = 300;
    InProcessCentral central(dir.file("central.db"), {}, options);
    auto& store = central.store();
    const std::string operatorToken = store.enrollDevice("operator-ops", false).value();
    const std::string tokenA = store.enrollDevice("door-a", false).value();
    const std::string tokenB = store.enrollDevice("door-b", false).value();
    const std::string tokenD = store.enrollDevice("door-d", false).value();
    (void)store.enrollDevice("door-c", false).value(); // never heard from: quiet
    REQUIRE(store
                .upsertSet("roster", {{"100100001", {{"name", "Li Lei"}}}}, "2030-01-01T00:00:00Z",
                           false)
                .ok());
    REQUIRE(store.upsertSet("denylist", {{"pass-1", {{"revoked_at_ms", 1}}}}, "", false).ok());

    Kiosk a; // online, caught up
    a.append(25, "a");
    REQUIRE(syncUntilDone(a.db(), testConfig(central.url(), tokenA)).end == client::RoundEnd::Done);
    Kiosk b; // behind: 8 of 20 acknowledged
    b.append(20, "b");
    REQUIRE(b.log().setDeviceId("door-b").ok());
    REQUIRE(client::HttpClient({central.url(), tokenB})
                .post("/v1/devices/door-b/events", pushBody(b, 1, 8), {"Doorpost-Log-Last-Seq: 20"})
                .answer.status == 200);
    Kiosk d; // revoked after it synced
    d.append(4, "d");
    REQUIRE(syncUntilDone(d.db(), testConfig(central.url(), tokenD)).end == client::RoundEnd::Done);
    REQUIRE(store.revokeDevice("door-d", "stolen").ok());

    const std::string base = "http://operator-ops:" + operatorToken +
                             "@127.0.0.1:" + std::to_string(central.port()) + "/";
    const std::string dom = chromium(dir, base + "?lang=en", "--dump-dom");
    INFO(dom.substr(0, 3000));

    auto doors = store.doors();
    REQUIRE(doors.ok());
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::regex row(
        R"re(<tr data-door="([^"]+)" data-state="([a-z]+)" data-waiting="([0-9]+)" data-events="([0-9]+)" data-acked="([0-9]+)")re");
    std::map<std::string, std::smatch> rows;
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row); it != std::sregex_iterator();
         ++it)
        rows[(*it)[1]] = *it;
    CHECK(rows.size() == 4); // doors only: the operator is not listed
    for (const auto& door : *doors) {
        if (door.role != "door")
            continue;
        INFO(door.name);
        REQUIRE(rows.count(door.name) == 1);
        const auto& match = rows.at(door.name);
        CHECK(match[2] == central::doorState(door, now, options.quietAfterS));
        CHECK(std::stoll(match[3]) == door.ackedLag);
        CHECK(std::stoll(match[4]) == door.events);
        CHECK(std::stoll(match[5]) == door.ackedThrough);
    }
    CHECK(rows.at("door-a")[2] == "online");
    CHECK(rows.at("door-b")[2] == "behind");
    CHECK(rows.at("door-b")[3] == "12");
    CHECK(rows.at("door-c")[2] == "quiet");
    CHECK(rows.at("door-d")[2] == "revoked");
    auto sets = store.setVersions();
    REQUIRE(sets.ok());
    REQUIRE(sets->size() == 2);
    for (const auto& set : *sets)
        CHECK(dom.find("<tr data-set=\"" + set.name + "\" data-version=\"" +
                       std::to_string(set.version) + "\">") != std::string::npos);
    CHECK(dom.find("Events waiting") != std::string::npos);
    CHECK(dom.find("http-equiv=\"refresh\"") != std::string::npos);
    CHECK(dom.find("<script") == std::string::npos);

    // Chinese, by the browser's language preference this time.
    // (Headless Chromium takes the Accept-Language from --accept-lang, not --lang.)
    const std::string zh = chromium(dir, base, "--accept-lang=zh-CN --dump-dom");
    CHECK(zh.find("<html lang=\"zh-CN\"") != std::string::npos);
    CHECK(zh.find("待同步事件") != std::string::npos);
    CHECK(zh.find("已吊销") != std::string::npos);

    // Screenshots for a person to look at.
    const std::filesystem::path shots =
        std::filesystem::path(DOORPOST_BIN_DIR) / ".." / "test-screenshots";
    std::filesystem::create_directories(shots);
    for (const std::string lang : {"en", "zh-CN"}) {
        const auto png = (shots / ("central-status-" + lang + ".png")).string();
        std::filesystem::remove(png);
        chromium(dir, base + "?lang=" + lang, "--window-size=1280,720 --screenshot=" + png);
        REQUIRE(std::filesystem::exists(png));
        CHECK(std::filesystem::file_size(png) > 10000);
        std::ifstream in(png, std::ios::binary);
        char signature[8] = {};
        in.read(signature, 8);
        CHECK(std::string(signature + 1, 3) == "PNG");
    }

    // Without a credential the browser is asked for one; a door's token is not an operator's.
    const std::string plain = "http://127.0.0.1:" + std::to_string(central.port()) + "/";
    const auto anonymous = client::HttpClient({plain.substr(0, plain.size() - 1), ""}).get("/");
    CHECK(anonymous.answer.status == 401);
    CHECK(anonymous.answer.header("www-authenticate").rfind("Basic", 0) == 0);
    CHECK(client::HttpClient({plain.substr(0, plain.size() - 1), tokenA}).get("/").answer.status ==
          403);
}
