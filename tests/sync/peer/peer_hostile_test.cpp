// Hostile peers (issue 19): forged answers, a replayed answer, a door of another site, a peer
// answering 1 GB, a client pushing 1 GB, a flood of requests. Each is refused, with a line in
// the journal, and the door's own work (appends and the re-entry lookup on its own connection,
// as the gate does them) goes on at its usual pace.

#include "sync/peer/peer_answer.hpp"
#include "sync/peer/peer_puller.hpp"
#include "sync/peer/peer_server.hpp"
#include "sync/peer/peer_wire.hpp"
#include "tests/support/loopback_http.hpp"
#include "tests/sync/peer/peer_door.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace doorpost::sync::peer {
namespace {

using namespace std::chrono_literals;
using doorpost::test::LoopbackHttp;
using test::PeerDoor;
using test::waitFor;

std::string portOf(const std::string& url) {
    return url.substr(url.rfind(':') + 1);
}

// A genuine answer of `door`'s chain after `after`, as its server would sign it.
std::string answerOf(PeerDoor& door, const std::string& nonce, std::int64_t after = 0) {
    const auto head = door.head();
    std::vector<storage::Event> events;
    if (head.lastSeq > after) {
        auto read = door.log().readSeqRange(after + 1, head.lastSeq);
        REQUIRE(read);
        events = *read;
    }
    return answerBody(door.device(), head.epoch, nonce, head.lastSeq, head.headHash, events);
}

// A puller of B's after `limit`; the status it ended in.
PeerStatus pullFor(PeerDoor& b, const PeerTarget& target, std::chrono::milliseconds limit,
                   const std::function<bool(const PeerStatus&)>& until) {
    PeerPuller puller(target, test::fastPull(b));
    puller.start();
    waitFor([&] { return until(puller.status()); }, limit);
    return puller.status();
}

TEST_CASE("Answers not signed by the door's enrolment key are refused, nothing stored",
          "[peer][hostile]") {
    PeerDoor a("door-a");
    PeerDoor impostor("door-a"); // the same name, its own key: never enrolled
    PeerDoor b("door-b");
    impostor.admit(5, "forged");
    LoopbackHttp fake;
    fake.server().Get("/peer/v1/chain", [&](const httplib::Request& req, httplib::Response& res) {
        const std::string body = answerOf(impostor, req.get_header_value(kNonceHeader));
        res.set_header(kSignatureHeader, signAnswer(impostor.key(), body));
        res.set_content(body, "application/json");
    });
    fake.start();
    const PeerTarget target{"door-a", "127.0.0.1:" + portOf(fake.url()), a.key().publicKeyHex};
    const auto status =
        pullFor(b, target, 5s, [](const PeerStatus& s) { return s.failuresInARow >= 3; });
    CHECK_FALSE(status.reachable);
    CHECK(status.failuresInARow >= 3);
    CHECK_THAT(status.lastError, Catch::Contains("not signed by its enrolment key"));
    CHECK(b.peerEventRows() == 0);
}

TEST_CASE("A recorded answer replayed later is refused by its nonce", "[peer][hostile]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    a.admit(4);
    // Recorded from a real exchange: correctly signed by A, for a nonce of the past.
    const std::string recorded = answerOf(a, newNonce());
    const std::string signature = signAnswer(a.key(), recorded);
    LoopbackHttp replay;
    replay.server().Get("/peer/v1/chain", [&](const httplib::Request&, httplib::Response& res) {
        res.set_header(kSignatureHeader, signature);
        res.set_content(recorded, "application/json");
    });
    replay.start();
    const auto status =
        pullFor(b, {"door-a", "127.0.0.1:" + portOf(replay.url()), a.key().publicKeyHex}, 5s,
                [](const PeerStatus& s) { return s.failuresInARow >= 3; });
    CHECK_FALSE(status.reachable);
    CHECK_THAT(status.lastError, Catch::Contains("nonce"));
    CHECK(b.peerEventRows() == 0);
}

TEST_CASE("A chain that does not hold is refused whole, even signed by the peer",
          "[peer][hostile]") {
    // A door that is enrolled but lies (altered content under its own signature): the hash
    // chain gives it away and nothing of the batch is kept.
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    a.admit(6);
    LoopbackHttp liar;
    liar.server().Get("/peer/v1/chain", [&](const httplib::Request& req, httplib::Response& res) {
        std::string body = answerOf(a, req.get_header_value(kNonceHeader));
        body.replace(body.find("subject-4"), 9, "subject-9");
        res.set_header(kSignatureHeader, signAnswer(a.key(), body));
        res.set_content(body, "application/json");
    });
    liar.start();
    const auto status =
        pullFor(b, {"door-a", "127.0.0.1:" + portOf(liar.url()), a.key().publicKeyHex}, 5s,
                [](const PeerStatus& s) { return s.failuresInARow >= 3; });
    CHECK_FALSE(status.reachable);
    CHECK_THAT(status.lastError, Catch::Contains("chain that does not hold"));
    CHECK(b.peerEventRows() == 0);
}

TEST_CASE("A peer that claims news it never sends is asked once per wait, not in a loop",
          "[peer][hostile]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    std::atomic<int> asked{0};
    LoopbackHttp eager;
    eager.server().Get("/peer/v1/chain", [&](const httplib::Request& req, httplib::Response& res) {
        asked += 1;
        // Signed, well-formed, empty, at once, with a head far ahead: ignores wait_ms.
        const auto head = a.head();
        const std::string body =
            answerBody("door-a", head.epoch, req.get_header_value(kNonceHeader), 1'000'000'000,
                       head.headHash, {});
        res.set_header(kSignatureHeader, signAnswer(a.key(), body));
        res.set_content(body, "application/json");
    });
    eager.start();
    PeerPuller puller({"door-a", "127.0.0.1:" + portOf(eager.url()), a.key().publicKeyHex},
                      test::fastPull(b)); // waits of 300 ms
    puller.start();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    puller.stop();
    CHECK(puller.status().reachable);
    CHECK(asked.load() >= 5);
    CHECK(asked.load() <= 14); // 3 s / 300 ms, and the first answers
    CHECK(b.peerEventRows() == 0);
}

TEST_CASE("A door of another site is refused by the server, and so is a forged request",
          "[peer][hostile]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    PeerDoor x("door-x"); // enrolled elsewhere: site-2
    PeerServerOptions options;
    options.dbPath = a.path();
    PeerServer server(options, a.key());
    auto port = server.start();
    REQUIRE(port);
    const std::string address = "127.0.0.1:" + std::to_string(*port);
    a.publish({a.siteDoor("site-1", address), b.siteDoor("site-1", ""), x.siteDoor("site-2", "")});
    a.admit(3);
    const auto other = pullFor(x, {"door-a", address, a.key().publicKeyHex}, 5s,
                               [](const PeerStatus& s) { return s.failuresInARow >= 2; });
    CHECK_THAT(other.lastError, Catch::Contains("answered 403"));
    CHECK_THAT(other.lastError, Catch::Contains("not of this site"));
    CHECK(x.peerEventRows() == 0);

    // X claims to be B: the signature is X's, not the key the central published for B.
    PullerOptions posing = test::fastPull(x);
    posing.ownDevice = "door-b";
    PeerPuller impostor({"door-a", address, a.key().publicKeyHex}, posing);
    impostor.start();
    REQUIRE(waitFor([&] { return impostor.status().failuresInARow >= 2; }, 5s));
    CHECK_THAT(impostor.status().lastError, Catch::Contains("does not verify"));
    impostor.stop();

    // Unsigned and malformed requests.
    httplib::Client client("127.0.0.1", *port);
    auto unsigned_ = client.Get("/peer/v1/chain?epoch=&after=0&wait_ms=0");
    REQUIRE(unsigned_);
    CHECK(unsigned_->status == 401);
    auto malformed = client.Get("/peer/v1/chain?epoch=xyz&after=0&wait_ms=0");
    REQUIRE(malformed);
    CHECK(malformed->status == 400);
    auto elsewhere = client.Get("/v1/health");
    REQUIRE(elsewhere);
    CHECK(elsewhere->status == 404);
    CHECK(server.counters().refused >= 7);
    CHECK(server.counters().answered == 0);
    CHECK(x.peerEventRows() == 0);
}

TEST_CASE("A peer answering 1 GB is cut off with its memory bounded", "[peer][hostile]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    std::atomic<std::size_t> offered{0};
    LoopbackHttp flood;
    flood.server().Get("/peer/v1/chain", [&](const httplib::Request&, httplib::Response& res) {
        res.set_header(kSignatureHeader, std::string(128, '0'));
        res.set_content_provider(std::size_t{1} << 30, "application/json",
                                 [&](std::size_t, std::size_t, httplib::DataSink& sink) {
                                     static const std::string chunk(64 * 1024, '[');
                                     offered += chunk.size();
                                     return sink.write(chunk.data(), chunk.size());
                                 });
    });
    flood.start();
    const auto start = std::chrono::steady_clock::now();
    const auto status =
        pullFor(b, {"door-a", "127.0.0.1:" + portOf(flood.url()), a.key().publicKeyHex}, 10s,
                [](const PeerStatus& s) { return s.failuresInARow >= 3; });
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    CHECK(status.failuresInARow >= 3);
    CHECK_THAT(status.lastError, Catch::Contains("larger than"));
    // Three attempts, each cut off past the cap: far from a gigabyte each.
    CHECK(offered.load() < (std::size_t{3} << 30) / 16);
    CHECK(b.peerEventRows() == 0);
}

// The process's peak resident memory (VmHWM), KiB.
std::int64_t peakResidentKiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6));
    return -1;
}

// Sends a request head and then body bytes until the server stops taking them; the bytes sent
// and the answer's status line.
std::pair<std::size_t, std::string> push(int port, const std::string& head) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(head.size()));
    const std::string chunk(1 << 20, 'x');
    std::size_t sent = 0;
    while (sent < (std::size_t{1} << 30)) {
        const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
        if (n <= 0)
            break; // closed, reset, or no longer read (timeout)
        sent += static_cast<std::size_t>(n);
    }
    char answer[256] = {};
    const ssize_t got = ::recv(fd, answer, sizeof answer - 1, 0);
    ::close(fd);
    const std::string text = got > 0 ? std::string(answer, static_cast<std::size_t>(got)) : "";
    return {sent, text.substr(0, text.find("\r\n"))};
}

TEST_CASE("A client pushing 1 GB gets 413 at once and is not read", "[peer][hostile]") {
    // Memory: the whole test process stays far below the gigabyte pushed (VmHWM read below).
    PeerDoor a("door-a");
    PeerServerOptions options;
    options.dbPath = a.path();
    PeerServer server(options, a.key());
    auto port = server.start();
    REQUIRE(port);
    const auto start = std::chrono::steady_clock::now();
    const auto [sent, status] =
        push(*port, "POST /peer/v1/chain HTTP/1.1\r\nHost: door\r\nContent-Length: 1073741824\r\n"
                    "\r\n");
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    CHECK(sent < (std::size_t{64} << 20));
    CHECK_THAT(status, Catch::Contains("413"));
    const auto [chunkedSent, chunkedStatus] =
        push(*port, "GET /peer/v1/chain?epoch=&after=0&wait_ms=0 HTTP/1.1\r\nHost: door\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n");
    CHECK(chunkedSent < (std::size_t{64} << 20));
    CHECK_THAT(chunkedStatus, Catch::Contains("413"));
    CHECK(server.counters().refused >= 2);
    // A request line without end: refused past the connection's memory limit, not buffered.
    const auto [lineSent, lineStatus] = push(*port, "GET /peer/v1/chain?epoch=");
    CHECK(lineSent < (std::size_t{64} << 20));
    CHECK_THAT(lineStatus, Catch::Contains("HTTP/1.1 4"));
    CHECK(peakResidentKiB() < 256 * 1024);
}

TEST_CASE("A flood of requests costs the door's own recording nothing", "[peer][hostile]") {
    PeerDoor a("door-a");
    PeerDoor b("door-b");
    PeerServerOptions options;
    options.dbPath = a.path();
    options.perAddressLimit = 0; // attackers and the genuine peer all come from 127.0.0.1
    PeerServer server(options, a.key());
    auto port = server.start();
    REQUIRE(port);
    const std::string address = "127.0.0.1:" + std::to_string(*port);
    const std::vector<storage::SiteDoor> site{a.siteDoor("site-1", address),
                                              b.siteDoor("site-1", "")};
    a.publish(site);
    b.publish(site);

    // The door's own work, as the gate does it: look the subject up, append the decision.
    auto gateRound = [&](int count, const std::string& prefix) {
        std::vector<double> ms;
        for (int i = 0; i < count; ++i) {
            const auto start = std::chrono::steady_clock::now();
            auto seen = a.log().lastAdmission(prefix + "-" + std::to_string(i));
            REQUIRE(seen);
            a.admit(1, prefix + "-" + std::to_string(i));
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
        }
        std::sort(ms.begin(), ms.end());
        return ms;
    };
    const auto quiet = gateRound(100, "quiet");

    std::atomic<bool> stop{false};
    std::atomic<int> floods{0};
    std::vector<std::thread> attackers;
    for (int t = 0; t < 12; ++t)
        attackers.emplace_back([&] {
            httplib::Client client("127.0.0.1", *port);
            client.set_connection_timeout(1);
            client.set_read_timeout(2);
            while (!stop) {
                httplib::Headers headers{{kDeviceHeader, "door-b"},
                                         {kNonceHeader, newNonce()},
                                         {kSignatureHeader, std::string(128, 'a')}};
                client.Get("/peer/v1/chain?epoch=&after=0&wait_ms=1000", headers);
                floods += 1;
            }
        });
    const auto loud = gateRound(100, "loud");
    // A genuine peer still gets through the flood.
    PeerPuller puller({"door-a", address, a.key().publicKeyHex}, test::fastPull(b));
    puller.start();
    const bool served = waitFor(
        [&] {
            const auto held = b.held("door-a", a.head().epoch);
            return held && held->seq == a.head().lastSeq;
        },
        20s);
    stop = true;
    for (auto& attacker : attackers)
        attacker.join();
    CHECK(served);

    const double quietP99 = quiet[98];
    const double loudP99 = loud[98];
    INFO("gate round p50/p99 ms quiet " << quiet[49] << "/" << quietP99 << ", flooded " << loud[49]
                                        << "/" << loudP99 << "; flood requests " << floods.load());
    CHECK(floods.load() > 100);
    CHECK(server.counters().refused >= 100);
    // The door's own work does not wait on the flood: it shares the disk and the CPU, not a
    // lock or a connection. Bound generously for a loaded shared machine.
    CHECK(loudP99 < std::max(250.0, 5 * quietP99));
}

} // namespace
} // namespace doorpost::sync::peer
