// `doorpost verify-export --central` against a hostile server on loopback: chain-head answers
// with wrong types, a huge key history, an overlong key or a non-string error field. Each is a
// one-line error and exit 2 (the kiosk reads the answer field by field), never a crash.

#include "tests/storage/audit/export_fixture.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace doorpost;
using namespace doorpost::test;
using namespace doorpost::storage::test;
using doorpost::test::runBinary;
using nlohmann::json;

namespace {

// Answers every GET with `status` and `body`; the test thread sets them before each run while
// the server thread only reads them after the request arrives (no request is in flight then).
class HostileCentral {
public:
    HostileCentral() {
        m_http.server().Get(".*", [this](const httplib::Request&, httplib::Response& res) {
            res.status = m_status;
            res.set_content(m_body, "application/json");
        });
        m_http.start();
    }
    void answer(int status, std::string body) {
        m_status = status;
        m_body = std::move(body);
    }
    std::string url() const { return m_http.url(); }

private:
    int m_status = 200;
    std::string m_body;
    doorpost::test::LoopbackHttp m_http; // last: stopped before what its handler reads is gone
};

json witnessedAnswer(const std::string& key) {
    return {{"device_key", key},
            {"device_keys", json::array({{{"key", key}, {"registered_ms", 1}}})},
            {"acked_through", 3},
            {"head_hash", std::string(64, '0')},
            {"hash", std::string(64, '0')},
            {"witnessed", true}};
}

} // namespace

TEST_CASE("verify-export --central: a hostile central's answer is a one-line error, exit 2") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 3);
    const auto out = dir.file("export");
    auto exported = runBinary(
        "doorpost", "--db " + db + " export --from 2026-01-01 --to 2027-01-01 --out " + out);
    REQUIRE(exported.exitCode == 0);
    HostileCentral central;
    const std::string key(64, 'a');

    json hugeHistory = witnessedAnswer(key);
    for (int i = 0; i < 100000; ++i)
        hugeHistory["device_keys"].push_back({{"key", key}, {"registered_ms", i}});
    json overlongKey = witnessedAnswer(key);
    overlongKey["device_keys"][0]["key"] = std::string(1 << 20, 'a');
    json keyIsNumber = witnessedAnswer(key);
    keyIsNumber["device_keys"][0]["key"] = 12345;
    json historyIsString = witnessedAnswer(key);
    historyIsString["device_keys"] = "all of them";
    json ackedIsText = witnessedAnswer(key);
    ackedIsText["acked_through"] = "3";
    const std::vector<std::tuple<int, std::string, std::string>> cases = {
        {200, hugeHistory.dump(), "device_keys"},
        {200, overlongKey.dump(), "device_keys[0].key"},
        {200, keyIsNumber.dump(), "device_keys[0].key"},
        {200, historyIsString.dump(), "device_keys"},
        {200, ackedIsText.dump(), "acked_through"},
        {404, R"({"error": "gone", "field": 7})", "chain-head endpoint"},
    };
    for (const auto& [status, body, named] : cases) {
        central.answer(status, body);
        auto run = runBinary("doorpost",
                             "verify-export " + out + " --central " + central.url() + " --token t");
        INFO(named << ": " << run.out << run.err.substr(0, 300));
        CHECK(run.exitCode == 2);
        CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
        CHECK(run.err.find(named) != std::string::npos);
        CHECK(run.err.size() < 300); // the overlong key is not echoed back
    }
}
