// The gate: verify, decide (roster, re-entry, trust freshness), commit, then answer.

#include "kiosk/gate/gate.hpp"
#include "kiosk/gate/gate_worker.hpp"
#include "kiosk/gate/roster_csv.hpp"
#include "storage/base/hex.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/dp1.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sodium.h>
#include <thread>

using namespace doorpost;
using namespace doorpost::kiosk::credentials;
using namespace doorpost::kiosk::policy;
using namespace doorpost::kiosk::gate;

namespace {

// The deployment's subject secret of these tests (as enrolment hands it to a kiosk).
[[maybe_unused]] constexpr const char* kSiteSecretHex =
    "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
[[maybe_unused]] inline const doorpost::sync::pass::SubjectSecret kSiteSecret =
    *doorpost::sync::pass::subjectSecretFromHex(kSiteSecretHex);

struct Site {
    doorpost::test::TempDir dir;
    std::string dbPath = dir.file("kiosk.db");
    std::array<std::uint8_t, 32> issuerPk{};
    std::array<std::uint8_t, 64> issuerSk{};
    std::array<std::uint8_t, 32> sealPk{};
    std::array<std::uint8_t, 32> sealSk{};
    std::int64_t now = wallClockSeconds();

    // withSealKey false: a kiosk whose central was never reached (no sealing key imported).
    explicit Site(std::int64_t keysValidUntil = 0, bool withSealKey = true) {
        REQUIRE(sodium_init() >= 0);
        crypto_sign_keypair(issuerPk.data(), issuerSk.data());
        crypto_box_keypair(sealPk.data(), sealSk.data());
        auto db = storage::Database::open(dbPath);
        REQUIRE(db);
        storage::TrustStore store(*db);
        const std::int64_t until = keysValidUntil ? keysValidUntil : now + 3600;
        REQUIRE(store.add({storage::TrustKind::PassKey, toHex(sync::pass::ed25519KeyId(issuerPk)),
                           toHex(issuerPk), "test", "test", now, until}));
        if (withSealKey)
            REQUIRE(store.add(
                {storage::TrustKind::SealKey, "", toHex(sealPk), "seal", "test", now, until}));
        REQUIRE(db->setMeta("subject_secret", kSiteSecretHex));
    }

    std::string pass(const std::string& id,
                     sync::pass::PassStatus status = sync::pass::PassStatus::Green,
                     const std::string& passId = "P-1") const {
        sync::pass::Dp1Claims claims;
        claims.issuer = "central";
        claims.passId = passId;
        claims.issuedAt = now - 60;
        claims.expiresAt = now + 3600;
        claims.status = status;
        const auto key = *sync::pass::subjectKey(id, kSiteSecret);
        claims.idHash.assign(key.begin(), key.end());
        claims.maskedId = doorpost::maskIdNumber(id);
        return sync::pass::issueDp1(claims, issuerSk);
    }
};

GateConfig config(SiteProfile profile) {
    GateConfig c;
    c.profile = std::move(profile);
    c.door = "door-2";
    return c;
}

// Every byte SQLite keeps for the database (main file and WAL), for "appears nowhere" checks.
std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every column of every stored event, as text.
std::vector<std::string> eventColumns(storage::Database& db) {
    std::vector<std::string> names;
    auto info = db.prepare("SELECT name FROM pragma_table_info('events')");
    REQUIRE(info);
    while (*info->step())
        names.push_back(info->columnText(0));
    REQUIRE(names.size() >= 10);
    std::vector<std::string> values;
    auto rows = db.prepare("SELECT * FROM events");
    REQUIRE(rows);
    while (*rows->step())
        for (int i = 0; i < static_cast<int>(names.size()); ++i)
            values.push_back(rows->columnText(i));
    return values;
}

std::int64_t eventCount(storage::Database& db) {
    auto log = storage::EventLog::open(db);
    REQUIRE(log);
    return log->status()->events;
}

} // namespace

TEST_CASE("a valid pass is admitted only after its event is committed", "[gate]") {
    Site site;
    auto db = storage::Database::open(site.dbPath);
    REQUIRE(db);
    auto gate = Gate::open(*db, config(transitProfile()));
    REQUIRE(gate);
    auto result = gate->scan({site.pass("11010519491231002X")});
    REQUIRE(result);
    CHECK(result->verdict == Verdict::Admit);
    CHECK(result->seq == 1);
    auto log = storage::EventLog::open(*db);
    auto events = log->readSeqRange(1, 1);
    REQUIRE(events->size() == 1);
    const auto& event = events->front();
    CHECK(event.verdict == Verdict::Admit);
    CHECK(event.credentialType == "dp1");
    CHECK(event.maskedId == "11**************2X");
    CHECK(event.subjectKey == toHex(*sync::pass::subjectKey("11010519491231002X", kSiteSecret)));
    CHECK(event.reasons == std::vector<std::string>{"credential_valid"});
    CHECK(nlohmann::json::parse(event.detail)["checks"]["signature"] == true);

    // Re-entry within the transit window: staff look, and the log says when and where.
    auto again =
        gate->scan({site.pass("11010519491231002X", sync::pass::PassStatus::Green, "P-2")});
    REQUIRE(again);
    CHECK(again->verdict == Verdict::Refer);
    CHECK(again->reasons.front() == Reason::AlreadyAdmitted);
    REQUIRE(again->alreadyAdmitted);
    CHECK(again->alreadyAdmitted->door == "door-2");
    auto reentry = log->readSeqRange(again->seq, again->seq);
    REQUIRE(reentry);
    const auto reentryDetail = nlohmann::json::parse(reentry->front().detail);
    CHECK(reentryDetail["already_admitted"]["door"] == "door-2");
    CHECK(reentryDetail["already_admitted"]["at"].get<std::string>().size() == 20); // ISO, UTC

    auto red = gate->scan({site.pass("440524188001010014", sync::pass::PassStatus::Red)});
    CHECK(red->verdict == Verdict::Deny);
    auto junk = gate->scan({"hello door"});
    CHECK(junk->verdict == Verdict::Refer);
    auto stored = log->readSeqRange(4, 4);
    CHECK(nlohmann::json::parse(stored->front().detail)["content"] == "hello door");
}

TEST_CASE("manual registration seals the full ID and bad input records nothing", "[gate]") {
    Site site;
    auto db = storage::Database::open(site.dbPath);
    auto gate = Gate::open(*db, config(transitProfile()));
    REQUIRE(gate);
    auto bad =
        gate->registerManual({IdType::Resident, "110105194912310021", "", "no_phone", "op7"});
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("check character"));
    auto reason =
        gate->registerManual({IdType::Resident, "11010519491231002X", "", "bribe", "op7"});
    REQUIRE_FALSE(reason);
    CHECK_THAT(reason.error().message, Catch::Contains("reason"));
    CHECK(eventCount(*db) == 0);

    auto ok =
        gate->registerManual({IdType::Resident, "11010519491231002x", "张三", "no_phone", "op7"});
    REQUIRE(ok);
    CHECK(ok->verdict == Verdict::Admit);
    CHECK(ok->reasons.front() == Reason::ManualRegistration);
    auto log = storage::EventLog::open(*db);
    const auto event = log->readSeqRange(1, 1)->front();
    CHECK(event.kind == storage::EventKind::Manual);
    CHECK(event.operatorId == "op7");
    CHECK(event.credentialType == "resident");
    CHECK(event.maskedId == "11**************2X");
    CHECK(event.detail.find("11010519491231002X") == std::string::npos); // only sealed
    const auto detail = nlohmann::json::parse(event.detail);
    CHECK(detail["reason"] == "no_phone");
    const std::string sealed = detail["sealed_id"];
    std::vector<std::uint8_t> box(sealed.size());
    std::size_t length = 0;
    REQUIRE(sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr,
                              &length, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0);
    std::vector<std::uint8_t> plain(length - crypto_box_SEALBYTES);
    REQUIRE(crypto_box_seal_open(plain.data(), box.data(), length, site.sealPk.data(),
                                 site.sealSk.data()) == 0);
    const auto opened = nlohmann::json::parse(std::string(plain.begin(), plain.end()));
    CHECK(opened["id"] == "11010519491231002X");
    CHECK(opened["name"] == "张三");
    // The same person's pass a minute later: the subject keys match, so re-entry applies.
    auto pass = gate->scan({site.pass("11010519491231002X")});
    CHECK(pass->reasons.front() == Reason::AlreadyAdmitted);
}

TEST_CASE("without a sealing key a manual registration is recorded with the masked ID only",
          "[gate]") {
    // The door never waits on the network: a kiosk that has not reached its central since
    // installation still registers people, keeping only what is safe on a stolen kiosk.
    const std::string id = "11010519491231002X";
    const std::string name = "欧阳无密钥";
    Site site(0, /*withSealKey=*/false);
    {
        auto db = storage::Database::open(site.dbPath);
        REQUIRE(db);
        auto gate = Gate::open(*db, config(transitProfile()));
        REQUIRE(gate);
        auto ok =
            gate->registerManual({IdType::Resident, "11010519491231002x", name, "no_phone", "op7"});
        REQUIRE(ok);
        CHECK(ok->verdict == Verdict::Admit); // the verdict is decide()'s, as with a key
        CHECK(ok->reasons == std::vector<Reason>{Reason::ManualRegistration, Reason::IdNotSealed});
        CHECK(eventCount(*db) == 1);

        auto log = storage::EventLog::open(*db);
        const auto event = log->readSeqRange(1, 1)->front();
        CHECK(event.kind == storage::EventKind::Manual);
        CHECK(event.operatorId == "op7");
        CHECK(event.credentialType == "resident");
        CHECK(event.maskedId == "11**************2X");
        CHECK(event.subjectKey == toHex(*sync::pass::subjectKey(id, kSiteSecret)));
        CHECK(event.reasons == std::vector<std::string>{"manual_registration", "id_not_sealed"});
        const auto detail = nlohmann::json::parse(event.detail);
        CHECK(detail["reason"] == "no_phone");
        CHECK(detail["id_type"] == "resident");
        REQUIRE(detail.contains("sealed_id"));
        CHECK(detail["sealed_id"].is_null());
        CHECK(detail["id_sealing"] == "no_seal_key");
        CHECK(log->verifyChain()->ok);

        // Neither the full ID (either case of the check character) nor the name, in any column.
        const auto columns = eventColumns(*db);
        REQUIRE(!columns.empty());
        for (const std::string& column : columns) {
            CHECK(column.find(id) == std::string::npos);
            CHECK(column.find("11010519491231002x") == std::string::npos);
            CHECK(column.find("110105194912") == std::string::npos); // not even the birth part
            CHECK(column.find(name) == std::string::npos);
        }

        // A pass of the same person: the subject key still links them (re-entry applies).
        auto pass = gate->scan({site.pass(id)});
        REQUIRE(pass);
        CHECK(pass->reasons.front() == Reason::AlreadyAdmitted);
    }
    // Nor anywhere in the database's files (tables, indexes, WAL).
    for (const char* suffix : {"", "-wal"}) {
        const std::string bytes = fileBytes(site.dbPath + suffix);
        CHECK(bytes.find(id) == std::string::npos);
        CHECK(bytes.find(name) == std::string::npos);
    }
}

TEST_CASE("with a sealing key a manual registration carries no id_not_sealed mark", "[gate]") {
    Site site;
    auto db = storage::Database::open(site.dbPath);
    auto gate = Gate::open(*db, config(transitProfile()));
    REQUIRE(gate);
    auto ok = gate->registerManual({IdType::Resident, "11010519491231002X", "", "no_phone", "op7"});
    REQUIRE(ok);
    CHECK(ok->reasons == std::vector<Reason>{Reason::ManualRegistration});
    auto log = storage::EventLog::open(*db);
    const auto event = log->readSeqRange(1, 1)->front();
    CHECK(event.reasons == std::vector<std::string>{"manual_registration"});
    const auto detail = nlohmann::json::parse(event.detail);
    CHECK(detail["sealed_id"].is_string());
    CHECK(!detail.contains("id_sealing"));
}

TEST_CASE("exam: tickets against the roster, stale trust fails closed", "[gate]") {
    Site site(/*keysValidUntil=*/wallClockSeconds() - 48 * 3600);
    auto db = storage::Database::open(site.dbPath);
    auto entries = parseRosterCsv("\xEF\xBB\xBF"
                                  "准考证号,姓名,身份证号,场次,考场,座位\n"
                                  "100100001,张三,11010519491231002X,AM,101,07\n"
                                  "100100002,\"李, 四\",440524188001010014,AM,101,08\n",
                                  kSiteSecret);
    REQUIRE(entries);
    REQUIRE(entries->size() == 2);
    CHECK((*entries)[1].name == "李, 四");
    REQUIRE(storage::RosterStore(*db).replace(*entries, {2, "test", site.now, site.now + 3600}));
    auto gate = Gate::open(*db, config(examProfile()));
    REQUIRE(gate);

    auto ticket = gate->scan({"100100001"});
    CHECK(ticket->verdict == Verdict::Admit);
    CHECK(ticket->reasons.front() == Reason::TicketValid);
    CHECK(ticket->credential.maskedId == "11**************2X");
    CHECK(gate->scan({"TKT:100100009"})->reasons.front() == Reason::NotOnRoster);
    // Second entry with the same person's ticket: referred.
    CHECK(gate->scan({"100100001"})->reasons.front() == Reason::AlreadyAdmitted);
    // The issuer keys' list ran out 48 h ago; exam warns 24 h, then fails closed.
    auto stale = gate->scan({site.pass("440524188001010014")});
    CHECK(stale->verdict == Verdict::Refer);
    CHECK(stale->reasons.front() == Reason::TrustDataExpired);
}

TEST_CASE("roster CSV: a bad row is named with its line", "[gate]") {
    auto bad = parseRosterCsv("100100001,张三,11010519491231002X,AM,101,07\n"
                              "100100002,李四,110105194912310021,AM,101,08\n",
                              kSiteSecret);
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::StartsWith("roster: line 2: id: wrong check"));
    CHECK_THAT(parseRosterCsv("1001,a,E12345678,AM,1,1\n1001,b,E12345679,AM,1,2\n", kSiteSecret)
                   .error()
                   .message,
               Catch::Contains("line 2") && Catch::Contains("twice"));
    CHECK_THAT(parseRosterCsv("1001,a,E12345678,AM\n", kSiteSecret).error().message,
               Catch::Contains("line 1: expected 6 fields"));
    CHECK_THAT(parseRosterCsv("1001,\"a,E12345678,AM,1,1\n", kSiteSecret).error().message,
               Catch::Contains("unclosed quote"));
    // Without the deployment's secret (a kiosk not enrolled) ID numbers cannot become keys.
    CHECK_THAT(parseRosterCsv("1001,a,E12345678,AM,1,1\n", std::nullopt).error().message,
               Catch::Contains("no subject secret"));
}

TEST_CASE("the gate worker answers every request in order from its own thread", "[gate]") {
    Site site;
    std::vector<std::uint64_t> tickets;
    std::vector<GateResponse> answers;
    {
        GateWorker worker(site.dbPath, config(transitProfile()));
        for (int i = 0; i < 5; ++i)
            tickets.push_back(worker.submit(ScanInput{site.pass(
                "11010519491231002X", sync::pass::PassStatus::Green, "P-" + std::to_string(i))}));
        tickets.push_back(
            worker.submit(ManualInput{IdType::Resident, "bad", "", "no_phone", "op"}));
        for (auto ticket : tickets) {
            auto answer = worker.waitFor(ticket, std::chrono::seconds(10));
            REQUIRE(answer);
            answers.push_back(std::move(*answer));
        }
        CHECK(worker.poll().empty());
    }
    REQUIRE(answers.size() == 6);
    CHECK(answers[0].result->verdict == Verdict::Admit);
    for (int i = 1; i < 5; ++i)
        CHECK(answers[static_cast<std::size_t>(i)].result->seq == i + 1);
    CHECK(answers[5].error);
    CHECK_FALSE(answers[5].result);
}

TEST_CASE("the gate worker hands answers to completions on its own thread, in order", "[gate]") {
    Site site;
    std::mutex mutex;
    std::vector<GateResponse> answers;    // guarded by mutex
    std::set<std::thread::id> answeredOn; // likewise
    std::vector<std::uint64_t> tickets;
    {
        GateWorker worker(site.dbPath, config(transitProfile()));
        auto record = [&](GateResponse response) {
            std::lock_guard lock(mutex);
            answers.push_back(std::move(response));
            answeredOn.insert(std::this_thread::get_id());
        };
        for (int i = 0; i < 3; ++i)
            tickets.push_back(worker.submit(
                ScanInput{site.pass("11010519491231002X", sync::pass::PassStatus::Green,
                                    "C-" + std::to_string(i))},
                record));
        tickets.push_back(
            worker.submit(ManualInput{IdType::Resident, "bad", "", "no_phone", "op"}, record));
        // Answered to the completions, not kept for poll() or waitFor().
        CHECK(!worker.waitFor(tickets.front(), std::chrono::milliseconds(200)));
    } // the destructor returns once every completion has run
    CHECK(answeredOn.size() == 1);
    CHECK(answeredOn.count(std::this_thread::get_id()) == 0);
    REQUIRE(answers.size() == 4);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(answers[i].ticket == tickets[i]);
    for (std::size_t i = 0; i < 3; ++i) {
        REQUIRE(answers[i].result);
        CHECK(answers[i].result->seq == static_cast<std::int64_t>(i + 1));
    }
    // One person's passes: the first admits; the later ones were decided after its event was
    // committed, so they see the admission.
    CHECK(answers[0].result->verdict == Verdict::Admit);
    for (std::size_t i = 1; i < 3; ++i) {
        CHECK(answers[i].result->verdict == Verdict::Refer);
        CHECK(answers[i].result->reasons.front() == Reason::AlreadyAdmitted);
    }
    CHECK(answers[3].error);
    CHECK_FALSE(answers[3].result);
}

TEST_CASE("a running gate follows `trust deny` made on another connection", "[gate]") {
    Site site;
    auto db = storage::Database::open(site.dbPath);
    REQUIRE(db);
    auto gate = Gate::open(*db, config(transitProfile()));
    REQUIRE(gate);
    auto before =
        gate->scan({site.pass("11010519491231002X", sync::pass::PassStatus::Green, "P-8")});
    REQUIRE(before);
    CHECK(before->verdict == Verdict::Admit);

    // What `doorpost trust deny` does, from its own process (here: its own connection). The
    // gate loaded the deny list at open and must not need a restart to see this.
    {
        auto staff = storage::Database::open(site.dbPath);
        REQUIRE(staff);
        REQUIRE(storage::TrustStore(*staff).deny({"P-9", "staff", site.now, site.now + 3600}));
    }
    auto revoked =
        gate->scan({site.pass("440524188001010014", sync::pass::PassStatus::Green, "P-9")});
    REQUIRE(revoked);
    CHECK(revoked->verdict == Verdict::Deny);
}

TEST_CASE("an admission a peer door recorded refers a duplicate, naming that door",
          "[gate][mesh]") {
    Site site;
    const std::string id = "11010519491231002X";
    // The peer door: its own database and chain, which this door holds in its peer log.
    storage::Database peerDb = std::move(storage::Database::open(site.dir.file("peer.db")).value());
    storage::EventLog peerChain = std::move(storage::EventLog::open(peerDb).value());
    REQUIRE(peerChain.setDeviceId("door-north"));
    const auto admitAt = [&](std::int64_t atSeconds) {
        storage::EventDraft draft;
        draft.kind = storage::EventKind::Scan;
        draft.credentialType = "dp1";
        draft.subjectKey = toHex(*sync::pass::subjectKey(id, kSiteSecret));
        draft.verdict = Verdict::Admit;
        draft.reasons = {"credential_valid"};
        draft.detail = R"({"door":"north-1"})";
        draft.wallTimeMs = atSeconds * 1000;
        REQUIRE(peerChain.append(draft));
    };
    auto db = storage::Database::open(site.dbPath);
    REQUIRE(db);
    auto peers = storage::PeerLog::open(*db);
    REQUIRE(peers);
    const auto pull = [&] {
        const auto held = peers->head("door-north", peerChain.epoch());
        const std::int64_t from = held && *held ? (*held)->seq + 1 : 1;
        std::vector<storage::PeerRecord> records;
        std::vector<storage::Event> events =
            peerChain.readSeqRange(from, peerChain.status()->lastSeq).value();
        for (storage::Event& event : events)
            records.push_back({std::move(event), "{}"});
        REQUIRE(peers->accept("door-north", peerChain.epoch(), records));
    };
    auto gate = Gate::open(*db, config(transitProfile()));
    REQUIRE(gate);

    SECTION("within the re-entry window: REFER peer_already_admitted, recorded with the peer's "
            "record") {
        admitAt(site.now - 30);
        pull();
        auto result = gate->scan({site.pass(id)});
        REQUIRE(result);
        CHECK(result->verdict == Verdict::Refer);
        CHECK(result->reasons.front() == Reason::PeerAlreadyAdmitted);
        REQUIRE(result->alreadyAdmitted);
        CHECK(result->alreadyAdmitted->door == "north-1");
        CHECK(result->alreadyAdmitted->peerDevice == "door-north");
        CHECK(result->alreadyAdmitted->peerSeq == 1);
        auto log = storage::EventLog::open(*db);
        const auto detail =
            nlohmann::json::parse(log->readSeqRange(result->seq, result->seq)->front().detail);
        CHECK(detail["already_admitted"]["door"] == "north-1");
        CHECK(detail["already_admitted"]["peer_device"] == "door-north");
        CHECK(detail["already_admitted"]["peer_seq"] == 1);
    }
    SECTION("outside the window the peer's old admission does not count") {
        admitAt(site.now - 3 * 3600);
        pull();
        auto result = gate->scan({site.pass(id)});
        REQUIRE(result);
        CHECK(result->verdict == Verdict::Admit);
    }
    SECTION("this door's own newer admission is named as its own") {
        admitAt(site.now - 400); // outside the transit profile's five minutes
        pull();
        auto first = gate->scan({site.pass(id)});
        REQUIRE(first);
        CHECK(first->verdict == Verdict::Admit);
        auto again = gate->scan({site.pass(id, sync::pass::PassStatus::Green, "P-2")});
        REQUIRE(again);
        CHECK(again->reasons.front() == Reason::AlreadyAdmitted);
        REQUIRE(again->alreadyAdmitted);
        CHECK_FALSE(again->alreadyAdmitted->throughPeer());
        CHECK(again->alreadyAdmitted->door == "door-2");
    }
}
