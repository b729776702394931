// The subject key of the registration in progress, derived before confirm: the gate uses it,
// the key is the one the gate would derive, and only the registration in progress is kept.

#include "kiosk/gate/gate_worker.hpp"
#include "kiosk/gate/subject_key_precompute.hpp"
#include "storage/base/hex.hpp"
#include "storage/event_log.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace doorpost;
using namespace doorpost::kiosk;
using namespace doorpost::kiosk::gate;

namespace {

const sync::pass::SubjectSecret kSecret = *sync::pass::subjectSecretFromHex(
    "a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4");
const std::string kIdA = "11010519491231002X";
const std::string kIdB = "440305200109231234"; // check character fixed below

std::string valid(std::string first17) {
    return first17 + residentIdCheckCharacter(first17);
}

// Until `count` derivations have finished (a derivation is tens of ms; 20 s is a stalled test).
void waitDerived(const SubjectKeyPrecompute& precompute, int count) {
    for (int i = 0; i < 2000 && precompute.derived() < count; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(precompute.derived() >= count);
}

} // namespace

TEST_CASE("a prepared subject key is the one the gate would derive, handed over once",
          "[gate][subject_key]") {
    const std::string b = valid(kIdB.substr(0, 17));
    SubjectKeyPrecompute precompute;
    // Nothing is derived without the secret (a kiosk not enrolled).
    precompute.prepare(kIdA);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(precompute.derived() == 0);
    precompute.setSecret(kSecret);
    waitDerived(precompute, 1);
    const auto expected = *sync::pass::subjectKey(kIdA, kSecret);
    const auto taken = precompute.take(kIdA, kSecret);
    REQUIRE(taken);
    CHECK(*taken == expected);
    CHECK(precompute.handedOver() == 1);
    // The slot is emptied: no table of ID to key is kept.
    CHECK_FALSE(precompute.take(kIdA, kSecret));

    SECTION("another ID replaces the one prepared") {
        precompute.prepare(kIdA);
        waitDerived(precompute, 2);
        precompute.prepare(b);
        waitDerived(precompute, 3);
        CHECK_FALSE(precompute.take(kIdA, kSecret));
        precompute.prepare(b); // already there: not derived again
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK(precompute.derived() == 3);
    }
    SECTION("forget() drops it") {
        precompute.prepare(kIdA);
        waitDerived(precompute, 2);
        precompute.forget();
        CHECK_FALSE(precompute.take(kIdA, kSecret));
    }
    SECTION("a key derived under another secret is not handed over") {
        precompute.prepare(kIdA);
        waitDerived(precompute, 2);
        auto other = kSecret;
        other[0] ^= 1;
        CHECK_FALSE(precompute.take(kIdA, other));
    }
}

TEST_CASE("the gate records the key the manual form had prepared", "[gate][subject_key]") {
    doorpost::test::TempDir dir;
    const std::string path = dir.file("kiosk.db");
    {
        auto db = storage::Database::open(path);
        REQUIRE(db);
        REQUIRE(db->setMeta(std::string(sync::pass::kSubjectSecretMetaKey), toHex(kSecret)));
    }
    GateConfig config;
    config.profile = policy::transitProfile();
    GateWorker worker(path, config);
    // An invalid number (wrong check character) is not worth a derivation.
    worker.prepareManual(IdType::Resident, "110105194912310021");
    // Typed with spaces and a lower-case x: normalised as the gate normalises it.
    worker.prepareManual(IdType::Resident, "110105 19491231 002x");
    waitDerived(worker.precompute(), 1);
    ManualInput input;
    input.id = "110105 19491231 002x";
    input.reason = "no_phone";
    input.operatorId = "op-1";
    auto response = worker.waitFor(worker.submit(input), std::chrono::seconds(20));
    REQUIRE(response);
    REQUIRE(response->result);
    CHECK(worker.precompute().handedOver() == 1);
    CHECK(worker.precompute().derived() == 1);
    CHECK(response->result->credential.subjectKey == toHex(*sync::pass::subjectKey(kIdA, kSecret)));

    // Confirmed with nothing prepared: the gate derives it itself, the same key.
    auto again = worker.waitFor(worker.submit(input), std::chrono::seconds(20));
    REQUIRE(again);
    REQUIRE(again->result);
    CHECK(worker.precompute().handedOver() == 1);
    CHECK(again->result->credential.subjectKey == response->result->credential.subjectKey);
}
