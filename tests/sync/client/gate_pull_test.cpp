// Pulled sets reach the gate (issue 6, item 5 "applied"): a running gate starts without keys,
// admits a pass once the "keys" set is synced, denies a pass the central puts on the deny list,
// and admits it again when the denial is lifted (a delta with a tombstone) — each change seen
// by the same Gate object, without a restart, as a kiosk's gate thread would.

#include "kiosk/gate/gate.hpp"
#include "storage/base/hex.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/dp1.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/sync/sync_harness.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sodium.h>

using namespace doorpost;
using namespace doorpost::sync::test;
using doorpost::Verdict;

namespace {

// The deployment's subject secret of these tests (as enrolment hands it to a kiosk).
[[maybe_unused]] constexpr const char* kSiteSecretHex =
    "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
[[maybe_unused]] inline const doorpost::sync::pass::SubjectSecret kSiteSecret =
    *doorpost::sync::pass::subjectSecretFromHex(kSiteSecretHex);

struct Issuer {
    std::array<std::uint8_t, 32> pk{};
    std::array<std::uint8_t, 64> sk{};
    std::array<std::uint8_t, 32> sealPk{};
    std::array<std::uint8_t, 32> sealSk{};

    Issuer() {
        REQUIRE(sodium_init() >= 0);
        crypto_sign_keypair(pk.data(), sk.data());
        crypto_box_keypair(sealPk.data(), sealSk.data());
    }

    std::vector<sync::SetItem> keysSet() const {
        const std::string kid = toHex(sync::pass::ed25519KeyId(pk));
        return {{kid, {{"kind", "pass_key"}, {"public_key", toHex(pk)}, {"kid", kid}}},
                {"seal", {{"kind", "seal_key"}, {"public_key", toHex(sealPk)}}}};
    }

    std::string pass(const std::string& id, const std::string& passId, std::int64_t now) const {
        sync::pass::Dp1Claims claims;
        claims.issuer = "central";
        claims.passId = passId;
        claims.issuedAt = now - 60;
        claims.expiresAt = now + 3600;
        claims.status = sync::pass::PassStatus::Green;
        const auto key = *sync::pass::subjectKey(id, kSiteSecret);
        claims.idHash.assign(key.begin(), key.end());
        claims.maskedId = doorpost::maskIdNumber(id);
        return sync::pass::issueDp1(claims, sk);
    }
};

bool has(const std::vector<kiosk::credentials::Reason>& reasons,
         kiosk::credentials::Reason reason) {
    return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
}

} // namespace

TEST_CASE("pull: a running gate follows the synced keys and deny list", "[sync][pull][gate]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    REQUIRE(kiosk.db().setMeta("subject_secret", kSiteSecretHex).ok());
    const auto config = testConfig(central.url(), token);

    // The gate has its own connection, as on the gate thread; sync runs on the kiosk's.
    auto gateDb = storage::Database::open(kiosk.path());
    REQUIRE(gateDb.ok());
    kiosk::gate::GateConfig gateConfig;
    gateConfig.profile = kiosk::policy::transitProfile();
    auto gate = kiosk::gate::Gate::open(*gateDb, gateConfig);
    REQUIRE(gate.ok());
    const Issuer issuer;
    const std::int64_t now = kiosk::gate::wallClockSeconds();

    // No keys yet: the pass cannot be verified.
    auto before = gate->scan({issuer.pass("11010519491231002X", "P-A", now)});
    REQUIRE(before.ok());
    CHECK(before->verdict != Verdict::Admit);
    CHECK(has(before->reasons, kiosk::credentials::Reason::UnknownKey));

    // The central publishes its keys; after one sync the same gate admits.
    REQUIRE(central.store().upsertSet("keys", issuer.keysSet(), "", false).ok());
    REQUIRE(syncUntilDone(kiosk.db(), config).end == sync::client::RoundEnd::Done);
    auto entries = storage::TrustStore(kiosk.db()).entries();
    REQUIRE(entries.ok());
    CHECK(entries->size() == 2);
    CHECK(gate->trust().sealPublicKey.has_value() == false); // not reloaded until a decision
    auto admitted = gate->scan({issuer.pass("11010519491231002X", "P-A", now)});
    REQUIRE(admitted.ok());
    CHECK(admitted->verdict == Verdict::Admit);
    CHECK(gate->trust().sealPublicKey.has_value());

    // A deny-list add at the central: the next decision on that pass is DENY.
    REQUIRE(central.store().upsertSet("denylist", {{"P-B", {{"reason", "lost"}}}}, "", false).ok());
    REQUIRE(syncUntilDone(kiosk.db(), config).end == sync::client::RoundEnd::Done);
    auto denied = gate->scan({issuer.pass("440524188001010014", "P-B", now)});
    REQUIRE(denied.ok());
    CHECK(denied->verdict == Verdict::Deny);
    CHECK(has(denied->reasons, kiosk::credentials::Reason::PassRevoked));

    // Lifted (a tombstone in the next delta): admitted again, a local denial stays untouched.
    REQUIRE(storage::TrustStore(kiosk.db()).deny({"P-LOCAL", "operator", now, now + 3600}).ok());
    REQUIRE(central.store().removeFromSet("denylist", {"P-B"}).ok());
    REQUIRE(syncUntilDone(kiosk.db(), config).end == sync::client::RoundEnd::Done);
    auto lifted = gate->scan({issuer.pass("440524188001010014", "P-B", now)});
    REQUIRE(lifted.ok());
    CHECK(lifted->verdict == Verdict::Admit);
    auto deniedRows = storage::TrustStore(kiosk.db()).denied();
    REQUIRE(deniedRows.ok());
    REQUIRE(deniedRows->size() == 1);
    CHECK(deniedRows->front().passId == "P-LOCAL");

    // A key withdrawn at the central is withdrawn at the door.
    REQUIRE(central.store().removeFromSet("keys", {issuer.keysSet().front().key}).ok());
    REQUIRE(syncUntilDone(kiosk.db(), config).end == sync::client::RoundEnd::Done);
    auto withdrawn = gate->scan({issuer.pass("11010119900307001X", "P-C", now)});
    REQUIRE(withdrawn.ok());
    CHECK(withdrawn->verdict != Verdict::Admit);
    CHECK(has(withdrawn->reasons, kiosk::credentials::Reason::UnknownKey));
}

TEST_CASE(
    "pull: a registration made before the first sync is masked only, and the central takes it",
    "[sync][pull][gate]") {
    // A kiosk installed where the central cannot be reached still registers people: without
    // the sealing key the event keeps the masked ID only (sealed_id null, id_not_sealed), and
    // when the central is reached it accepts that event like any other (same hash, exactly once).
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    REQUIRE(kiosk.db().setMeta("subject_secret", kSiteSecretHex).ok());
    auto gateDb = storage::Database::open(kiosk.path());
    REQUIRE(gateDb.ok());
    kiosk::gate::GateConfig gateConfig;
    gateConfig.profile = kiosk::policy::transitProfile();
    auto gate = kiosk::gate::Gate::open(*gateDb, gateConfig);
    REQUIRE(gate.ok());

    auto unsealed =
        gate->registerManual({IdType::Resident, "11010519491231002X", "张三", "no_phone", "op7"});
    REQUIRE(unsealed.ok());
    CHECK(has(unsealed->reasons, kiosk::credentials::Reason::IdNotSealed));

    // The central publishes its keys; the sync pushes the masked-only event and pulls the keys.
    const Issuer issuer;
    REQUIRE(central.store().upsertSet("keys", issuer.keysSet(), "", false).ok());
    REQUIRE(syncUntilDone(kiosk.db(), testConfig(central.url(), token)).end ==
            sync::client::RoundEnd::Done);
    requireCentralHoldsExactly(dir.file("central.db"), "kiosk-a", kiosk);

    // The same gate seals the next registration: the mark was about the missing key only.
    auto sealed =
        gate->registerManual({IdType::Resident, "440524188001010014", "", "no_phone", "op7"});
    REQUIRE(sealed.ok());
    CHECK(!has(sealed->reasons, kiosk::credentials::Reason::IdNotSealed));
    auto events = kiosk.log().readSeqRange(1, 2);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 2);
    CHECK(events->at(0).detail.find("\"sealed_id\":null") != std::string::npos);
    CHECK(events->at(1).detail.find("\"sealed_id\":\"") != std::string::npos);
    REQUIRE(syncUntilDone(kiosk.db(), testConfig(central.url(), token)).end ==
            sync::client::RoundEnd::Done);
    requireCentralHoldsExactly(dir.file("central.db"), "kiosk-a", kiosk);
}
