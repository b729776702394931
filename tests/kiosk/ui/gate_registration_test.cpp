// What it must show (2): a person registered by tapping the keypad, through the real gate, the
// event found in the database afterwards, in at most 25 taps.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "kiosk/gate/gate.hpp"
#include "kiosk/ui/gate_adapter.hpp"
#include "kiosk/ui/log_query.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/dp1.hpp"
#include "tests/storage/temp_dir.hpp"
#include "ui_harness.hpp"

using namespace doorpost;
using namespace doorpost::kiosk::ui;

TEST_CASE("registering a resident ID by keypad records the event through the real gate") {
    storage::test::TempDir dir;
    const std::string dbPath = dir.file("kiosk.db");
    {
        // The central's sealing key, as a sync would have stored it: full IDs are sealed to it.
        REQUIRE(sodium_init() >= 0);
        std::array<std::uint8_t, 32> sealPk{};
        std::array<std::uint8_t, 32> sealSk{};
        crypto_box_keypair(sealPk.data(), sealSk.data());
        auto db = storage::Database::open(dbPath);
        REQUIRE(db.ok());
        storage::TrustStore store(db.value());
        const std::int64_t now = kiosk::wallClockSeconds();
        REQUIRE(store.add({storage::TrustKind::SealKey, "", storage::toHex(sealPk.data(), sealPk.size()), "seal", "test", now,
                           now + 3600}).ok());
        REQUIRE(db.value().setMeta("subject_salt", "site-salt").ok());
    }

    std::string script = "tap manual\n";
    for (char c : std::string("440524188001010014")) {
        script += std::string("tap key_") + c + "\n";
    }
    script += "expect id_status check_ok\n"
              "tap reason_no_phone\n"
              "tap confirm\n"
              "wait-for verdict admit 10000\n"
              "wait-for manual 1 5000\n" // today's counter, read back from the event log
              "expect-max taps 25\n"
              "state\n";

    kiosk::GateConfig gateConfig; // the exam profile
    {
        GateAdapter gate(dbPath, gateConfig);
        LogQuery query(dbPath);
        const test::ScriptRun run = test::runScript(script, UiPorts{&gate, &query, nullptr});
        INFO(run.failure);
        REQUIRE(run.exitCode == 0);
    }

    auto db = storage::Database::open(dbPath);
    REQUIRE(db.ok());
    auto log = storage::EventLog::open(db.value());
    REQUIRE(log.ok());
    auto events = log.value().readSeqRange(1, 100);
    REQUIRE(events.ok());
    REQUIRE(events.value().size() == 1);
    const storage::Event& event = events.value()[0];
    CHECK(event.kind == storage::EventKind::Manual);
    CHECK(event.verdict == storage::Verdict::Admit);
    CHECK(event.maskedId.find("0014") != std::string::npos);
    CHECK(event.detail.find("440524188001010014") == std::string::npos); // sealed, not stored
    const auto detail = nlohmann::json::parse(event.detail);
    CHECK(detail.value("reason", "") == "no_phone");
    CHECK(event.operatorId == "door");
    auto chain = log.value().verifyChain();
    REQUIRE(chain.ok());
    CHECK(chain.value().ok);
}
