// What it must show (2): a person registered by tapping the keypad, through the real gate
// (GateAdapter -> GateWorker -> SQLite event log), the event found in the database afterwards,
// in at most 25 taps. And a kiosk that never reached its central (no sealing key): the door does
// not wait on the network, so the registration is recorded with the masked ID only; the manual
// screen warns before anyone types and the verdict says the record is masked only.
#include "kiosk/app/gate_adapter.hpp"
#include "kiosk/app/log_query.hpp"
#include "kiosk/gate/gate.hpp"
#include "kiosk/gate/roster_csv.hpp"
#include "png_reader.hpp"
#include "storage/base/hex.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/support/temp_dir.hpp"
#include "ui_harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

using namespace doorpost;
using namespace doorpost::kiosk::app;
using namespace doorpost::kiosk::ui;

namespace {

// The deployment's subject secret of these tests (as enrolment hands it to a kiosk).
[[maybe_unused]] constexpr const char* kSiteSecretHex =
    "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
[[maybe_unused]] inline const doorpost::sync::pass::SubjectSecret kSiteSecret =
    *doorpost::sync::pass::subjectSecretFromHex(kSiteSecretHex);

constexpr const char* kPersonId = "440524188001010014";

// A kiosk database as a sync would have left it: the site's salt, optionally the central's
// sealing key (full IDs from manual registration are sealed to it), and the exam roster.
void prepareKiosk(const std::string& dbPath, bool withSealKey) {
    REQUIRE(sodium_init() >= 0);
    auto db = storage::Database::open(dbPath);
    REQUIRE(db.ok());
    REQUIRE(db.value().setMeta("subject_secret", kSiteSecretHex).ok());
    const std::int64_t now = kiosk::gate::wallClockSeconds();
    if (withSealKey) {
        std::array<std::uint8_t, 32> sealPk{};
        std::array<std::uint8_t, 32> sealSk{};
        crypto_box_keypair(sealPk.data(), sealSk.data());
        storage::TrustStore store(db.value());
        REQUIRE(store
                    .add({storage::TrustKind::SealKey, "", toHex(sealPk.data(), sealPk.size()),
                          "seal", "test", now, now + 3600})
                    .ok());
    }
    auto roster = kiosk::gate::parseRosterCsv(
        std::string("2021110100731,张三,") + kPersonId + ",am,101,07\n", kSiteSecret);
    REQUIRE(roster.ok());
    storage::RosterStore store(db.value());
    REQUIRE(store.replace(roster.value(), {1, "test roster", now, now + 3600}).ok());
}

std::string keypadScript(const std::string& id) {
    std::string script = "tap manual\n";
    for (char c : id) {
        script += std::string("tap key_") + c + "\n";
    }
    return script + "expect id_status check_ok\n"
                    "tap reason_no_phone\n"
                    "tap confirm\n";
}

std::vector<storage::Event> allEvents(const std::string& dbPath) {
    auto db = storage::Database::open(dbPath);
    REQUIRE(db.ok());
    auto log = storage::EventLog::open(db.value());
    REQUIRE(log.ok());
    auto events = log.value().readSeqRange(1, 100);
    REQUIRE(events.ok());
    auto chain = log.value().verifyChain();
    REQUIRE(chain.ok());
    CHECK(chain.value().ok);
    return events.value();
}

} // namespace

TEST_CASE("registering a resident ID by keypad records the event through the real gate") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath, true);

    const std::string script = keypadScript(kPersonId) +
                               "wait-for verdict admit 10000\n"
                               "wait-for manual 1 5000\n" // today's counter, read back from the log
                               "expect-max taps 25\n"
                               // The chips from the same database: one event waits for the central
                               // (no sync worker runs here: offline), the roster of one, the key.
                               "wait-for events_waiting 1 5000\n"
                               "expect central offline\n"
                               "expect roster ok\n"
                               "expect roster_count 1\n"
                               "expect seal_key yes\n"
                               "state\n";
    kiosk::gate::GateConfig gateConfig; // the exam profile: the roster must hold the person
    {
        GateAdapter gate(dbPath, gateConfig);
        LogQuery query(dbPath);
        const doorpost::kiosk::ui::test::ScriptRun run =
            doorpost::kiosk::ui::test::runScript(script, UiPorts{&gate, &query, nullptr});
        INFO(run.failure);
        REQUIRE(run.exitCode == 0);
    }

    const auto events = allEvents(dbPath);
    REQUIRE(events.size() == 1);
    const storage::Event& event = events[0];
    CHECK(event.kind == storage::EventKind::Manual);
    CHECK(event.verdict == Verdict::Admit);
    CHECK(event.maskedId == "44**************14");            // two and two shown (issue 17)
    CHECK(event.detail.find(kPersonId) == std::string::npos); // sealed, not stored
    const auto detail = nlohmann::json::parse(event.detail);
    CHECK(detail.value("reason", "") == "no_phone");
    CHECK(detail.value("room", "") == "101");
    CHECK(!detail.value("sealed_id", "").empty());
    CHECK(event.operatorId == "door");
    REQUIRE(!event.reasons.empty());
    CHECK(event.reasons.front() == "manual_registration");
}

TEST_CASE(
    "without the central sealing key a keypad registration is recorded with the masked ID only") {
    doorpost::test::TempDir dir;
    const auto shots = doorpost::kiosk::ui::test::screenshotDir("faults");
    // The warning line (amber) on the manual screen, before anyone types: the same screen with
    // the key is the baseline, so the count is of the warning, not of other amber on screen.
    int amber[2] = {0, 0};
    for (const bool withKey : {true, false}) {
        const std::string dbPath = dir.file(withKey ? "keyed.db" : "unkeyed.db");
        prepareKiosk(dbPath, withKey);
        const std::string shot =
            (shots / (withKey ? "manual_seal_key_en.png" : "manual_no_seal_key_en.png")).string();
        const std::string script = std::string("wait-for seal_key ") + (withKey ? "yes" : "no") +
                                   " 5000\ntap manual\nwait 200\nscreenshot " + shot + "\n";
        GateAdapter gate(dbPath, kiosk::gate::GateConfig{});
        LogQuery query(dbPath);
        const doorpost::kiosk::ui::test::ScriptRun run =
            doorpost::kiosk::ui::test::runScript(script, UiPorts{&gate, &query, nullptr}, Lang::En);
        INFO(run.failure);
        REQUIRE(run.exitCode == 0);
        doorpost::kiosk::ui::test::Image image;
        REQUIRE(doorpost::kiosk::ui::test::readPng(shot, image));
        amber[withKey ? 0 : 1] = doorpost::kiosk::ui::test::countColour(image, 0xF2, 0xA0, 0x0C);
    }
    CHECK(amber[1] > amber[0] + 200);

    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath, false);
    const std::string shot = (shots / "verdict_masked_only_en.png").string();
    const std::string script =
        "wait-for seal_key no 5000\n" + keypadScript(kPersonId) +
        "wait-for verdict admit 10000\n" // the roster holds the person
        "expect manual_fault none\n"
        "expect verdict_reasons [\"manual_registration\",\"id_not_sealed\"]\n"
        "wait-for manual 1 5000\n"
        "expect-max taps 25\n"
        "screenshot " +
        shot +
        "\n"
        "state\n";
    kiosk::gate::GateConfig gateConfig; // the exam profile: the roster must hold the person
    {
        GateAdapter gate(dbPath, gateConfig);
        LogQuery query(dbPath);
        const doorpost::kiosk::ui::test::ScriptRun run =
            doorpost::kiosk::ui::test::runScript(script, UiPorts{&gate, &query, nullptr}, Lang::En);
        INFO(run.failure);
        REQUIRE(run.exitCode == 0);
    }
    const auto events = allEvents(dbPath);
    REQUIRE(events.size() == 1);
    const storage::Event& event = events[0];
    CHECK(event.kind == storage::EventKind::Manual);
    CHECK(event.verdict == Verdict::Admit);
    CHECK(event.maskedId == "44**************14"); // two and two shown (issue 17)
    CHECK(!event.subjectKey.empty());
    CHECK(event.reasons == std::vector<std::string>{"manual_registration", "id_not_sealed"});
    CHECK(event.detail.find(kPersonId) == std::string::npos);
    const auto detail = nlohmann::json::parse(event.detail);
    CHECK(detail.value("reason", "") == "no_phone");
    CHECK(detail.value("room", "") == "101");
    REQUIRE(detail.contains("sealed_id"));
    CHECK(detail["sealed_id"].is_null());
    CHECK(detail.value("id_sealing", "") == "no_seal_key");
    doorpost::kiosk::ui::test::Image image;
    REQUIRE(doorpost::kiosk::ui::test::readPng(shot, image));
    CHECK(doorpost::kiosk::ui::test::countColour(image, 0x1B, 0x7F, 0x3B) >
          2000); // the verdict panel is green (admit)
}

TEST_CASE("the trust chip follows the stored trust data: fresh, amber past valid-until, red past "
          "the warning") {
    struct Case {
        std::int64_t validUntilAgo; // seconds before now (negative: still ahead)
        const char* chip;
    };
    const Case cases[] = {{-3600, "fresh"}, {2 * 3600, "stale"}, {30 * 3600, "expired"}};
    for (const Case& c : cases) {
        doorpost::test::TempDir dir;
        const std::string dbPath = dir.file("kiosk.db");
        {
            auto db = storage::Database::open(dbPath);
            REQUIRE(db.ok());
            storage::TrustStore store(db.value());
            const std::int64_t now = kiosk::gate::wallClockSeconds();
            const std::string key(64, 'a');
            REQUIRE(store
                        .add({storage::TrustKind::PassKey, "0011223344556677", key, "issuer",
                              "test", now - 48 * 3600, now - c.validUntilAgo})
                        .ok());
        }
        LogQuery query(dbPath);
        const doorpost::kiosk::ui::test::ScriptRun run = doorpost::kiosk::ui::test::runScript(
            std::string("wait-for trust ") + c.chip +
                " 5000\nexpect roster none\nexpect seal_key no\n",
            UiPorts{nullptr, &query, nullptr});
        INFO(c.chip << ": " << run.failure);
        CHECK(run.exitCode == 0);
    }
}

TEST_CASE(
    "a keyboard-wedge scanner's read goes to the real gate, but not while a text field has focus") {
    doorpost::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    prepareKiosk(dbPath, true);
    const std::string script = "wedge 2021110100731\n" // the admission ticket, typed by the scanner
                               "wait-for verdict admit 10000\n"
                               "expect scanner ok\n"
                               "wait-for admitted 1 5000\n"
                               "tap manual\n"
                               "tap name_field\n" // staff type a name: the keys are the field's
                               "wedge 2021110100731\n"
                               "wait 300\n"
                               "expect screen manual\n"
                               "expect gate_busy false\n"
                               "expect admitted 1\n"
                               "state\n";
    kiosk::gate::GateConfig gateConfig;
    {
        GateAdapter gate(dbPath, gateConfig);
        LogQuery query(dbPath);
        const doorpost::kiosk::ui::test::ScriptRun run =
            doorpost::kiosk::ui::test::runScript(script, UiPorts{&gate, &query, nullptr});
        INFO(run.failure);
        REQUIRE(run.exitCode == 0);
    }
    const auto events = allEvents(dbPath);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == storage::EventKind::Scan);
    CHECK(events[0].verdict == Verdict::Admit);
    const auto detail = nlohmann::json::parse(events[0].detail);
    CHECK(detail.value("candidate", "") == "2021110100731");
    CHECK(detail["checks"]["picture_decode"] ==
          false); // typed by a scanner, not decoded from a picture
}
