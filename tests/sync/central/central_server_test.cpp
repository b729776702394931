// doorpost-central's HTTP answers: 401/403/400/409/413/404/410 with JSON bodies, and no crash on
// garbage. Runs the server in-process on loopback with the SQLite store.

#include "sync/client/http_client.hpp"
#include "sync/event_wire.hpp"
#include "tests/sync/sync_harness.hpp"
#include "tests/sync/sync_scenarios.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace doorpost;
using namespace doorpost::sync;
using namespace doorpost::sync::client;
using namespace doorpost::sync::test;

namespace {

client::HttpClient clientOf(const InProcessCentral& central, const std::string& token) {
    return client::HttpClient({central.url(), token});
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

std::string errorOf(const client::HttpOutcome& outcome) {
    auto json = parseJson(outcome.answer.body);
    REQUIRE(json.ok());
    auto body = errorBodyFromJson(*json);
    REQUIRE(body.ok());
    return body->error;
}

} // namespace

TEST_CASE("central answers each kind of bad request with its status and a JSON error",
          "[sync][central]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    const std::string otherToken = central.store().enrollDevice("kiosk-b", false).value();
    Kiosk kiosk;
    kiosk.append(5);
    const std::string path = "/v1/devices/kiosk-a/events";

    auto anonymous = clientOf(central, "").post(path, pushBody(kiosk, 1, 5));
    CHECK(anonymous.answer.status == 401);
    CHECK(errorOf(anonymous).find("token") != std::string::npos);
    CHECK(clientOf(central, "dpt_nope").post(path, pushBody(kiosk, 1, 5)).answer.status == 401);
    auto asOther = clientOf(central, otherToken).post(path, pushBody(kiosk, 1, 5));
    CHECK(asOther.answer.status == 403);

    client::HttpClient http = clientOf(central, token);
    CHECK(http.post(path, "{not json").answer.status == 400);
    auto missing = http.post(path, R"({"events":[]})");
    CHECK(missing.answer.status == 400);
    CHECK(errorOf(missing).find("epoch") != std::string::npos);

    // Content altered after hashing: refused naming the record.
    auto body = parseJson(pushBody(kiosk, 1, 5)).value();
    body["events"][2]["event"]["verdict"] = "deny";
    auto altered = http.post(path, dumpJson(body));
    CHECK(altered.answer.status == 400);
    CHECK(parseJson(altered.answer.body).value()["seq"] == 3);

    // Broken links inside a batch.
    body = parseJson(pushBody(kiosk, 1, 5)).value();
    body["events"].erase(2);
    CHECK(http.post(path, dumpJson(body)).answer.status == 400);

    auto accepted = http.post(path, pushBody(kiosk, 1, 5));
    REQUIRE(accepted.answer.status == 200);
    CHECK(parseJson(accepted.answer.body).value()["acked_through"] == 5);
    CHECK(!accepted.answer.header("date").empty());

    const std::string huge(300 * 1024, 'x');
    auto tooBig = http.post(path, R"({"epoch":"e","events":[],"pad":")" + huge + "\"}");
    CHECK(tooBig.answer.status == 413);
    CHECK(errorOf(tooBig).find("large") != std::string::npos);

    CHECK(http.get("/v1/sets/passwords").answer.status == 404);
    CHECK(http.get("/v1/sets/roster?cursor=-1").answer.status == 400);
    CHECK(http.get("/v1/sets/roster?cursor=abc").answer.status == 400);
    CHECK(http.get("/v1/sets/roster?cursor=99").answer.status == 410);
    CHECK(http.get("/v1/nothing").answer.status == 404);

    // Resending what is held is always safe.
    CHECK(http.post(path, pushBody(kiosk, 1, 5)).answer.status == 200);
    auto stats = central.store().stats();
    REQUIRE(stats.ok());
    CHECK(stats->events == 5);
}

TEST_CASE("a record held with another hash is a 409 and an alert", "[sync][central]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    kiosk.append(3);
    client::HttpClient http = clientOf(central, token);
    const std::string path = "/v1/devices/kiosk-a/events";
    REQUIRE(http.post(path, pushBody(kiosk, 1, 3)).answer.status == 200);

    // Rewrite record 2 on the device and re-hash it (a forked chain): same key, another hash.
    auto events = kiosk.log().readSeqRange(1, 3).value();
    storage::Event forged = events[1];
    forged.maskedId = "forged";
    forged.hash = storage::eventHash(forged);
    PushRequest request{kiosk.status().epoch, {toWire(forged)}, forged.hash};
    auto answer = http.post(path, dumpJson(toJson(request)));
    CHECK(answer.answer.status == 409);
    CHECK(parseJson(answer.answer.body).value()["seq"] == 2);
    auto stats = central.store().stats();
    REQUIRE(stats.ok());
    CHECK(stats->alerts == 1);
    CHECK(stats->events == 3);
}

TEST_CASE("central survives 400 mutated and truncated bodies", "[sync][central]") {
    TempDir dir;
    InProcessCentral central(dir.file("central.db"));
    const std::string token = central.store().enrollDevice("kiosk-a", false).value();
    Kiosk kiosk;
    kiosk.append(20);
    const std::string valid = pushBody(kiosk, 1, 20);
    client::HttpClient http = clientOf(central, token);
    std::mt19937 random(11);
    int serverErrors = 0;
    for (int i = 0; i < 400; ++i) {
        std::string body = valid;
        const int mutations = 1 + static_cast<int>(random() % 8);
        for (int m = 0; m < mutations; ++m) {
            const std::size_t at = random() % body.size();
            switch (random() % 3) {
            case 0:
                body[at] = static_cast<char>(random() % 256);
                break;
            case 1:
                body.erase(at, 1 + random() % 40);
                break;
            default:
                body.resize(at);
                break;
            }
            if (body.empty())
                body = "{";
        }
        auto outcome = http.post("/v1/devices/kiosk-a/events", body);
        REQUIRE(outcome.answered);
        if (outcome.answer.status >= 500)
            ++serverErrors;
    }
    CHECK(serverErrors == 0);
    CHECK(http.get("/v1/health").answer.status == 200);
    // Whatever was accepted on the way is a prefix of the true chain.
    auto stats = central.store().stats();
    REQUIRE(stats.ok());
    REQUIRE(http.post("/v1/devices/kiosk-a/events", valid).answer.status == 200);
    requireCentralHoldsExactly(dir.file("central.db"), "kiosk-a", kiosk);
}

TEST_CASE("reconciliation reports a subject admitted at two doors and a revoked pass",
          "[sync][central]") {
    reconciliationFindings(Backend::Sqlite);
}
