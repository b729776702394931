// The kiosk's HTTP client against a central that answers too much: a body or headers beyond
// the client's limits cut the transfer off and count as "not answered" (the worker backs off),
// never as an answer held whole in memory.

#include "sync/client/http_client.hpp"
#include "tests/support/loopback_http.hpp"

#include <catch2/catch.hpp>

using doorpost::sync::client::HttpClient;
using doorpost::sync::client::HttpClientOptions;

namespace {

// Answers /body/N with N bytes and /headers/N with N headers of 100 bytes each.
class LoudCentral {
public:
    LoudCentral() {
        m_http.server().Get(
            R"(/body/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
                res.set_content(std::string(std::stoul(req.matches[1]), 'x'), "application/json");
            });
        m_http.server().Get(
            R"(/headers/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
                for (unsigned long i = 0; i < std::stoul(req.matches[1]); ++i)
                    res.set_header("X-Filler-" + std::to_string(i), std::string(100, 'h'));
                res.set_content("{}", "application/json");
            });
        m_http.start();
    }
    std::string url() const { return m_http.url(); }

private:
    doorpost::test::LoopbackHttp m_http;
};

} // namespace

TEST_CASE("An answer larger than the client's limit is cut off and not taken as answered",
          "[sync][http]") {
    LoudCentral central;
    HttpClientOptions options{central.url(), "token"};
    options.maxAnswerBytes = 64 << 10;
    options.maxHeaderBytes = 16 << 10;
    HttpClient http(options);

    const auto within = http.get("/body/65536"); // exactly the limit
    REQUIRE(within.answered);
    CHECK(within.answer.status == 200);
    CHECK(within.answer.body.size() == 65536);

    const auto beyond = http.get("/body/" + std::to_string(8 << 20));
    CHECK_FALSE(beyond.answered);
    CHECK(beyond.answer.body.empty());
    CHECK_THAT(beyond.transportError, Catch::Contains("larger than 64 KiB"));

    const auto headers = http.get("/headers/400"); // 40 KB of headers
    CHECK_FALSE(headers.answered);
    CHECK(headers.answer.headers.empty());

    // The same client (its connection reset by the cut) goes on working.
    const auto after = http.get("/headers/10");
    REQUIRE(after.answered);
    CHECK(after.answer.header("x-filler-9") == std::string(100, 'h'));
}

TEST_CASE("The default limits take a page of 5,000 large set items", "[sync][http]") {
    LoudCentral central;
    HttpClient http({central.url(), "token"});
    const auto page = http.get("/body/" + std::to_string(5000 * 2048)); // 2 KiB an item
    REQUIRE(page.answered);
    CHECK(page.answer.body.size() == 5000u * 2048u);
}
