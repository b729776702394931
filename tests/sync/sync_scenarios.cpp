#include "tests/sync/sync_scenarios.hpp"

#include "tests/sync/fault_proxy.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <netinet/in.h>
#include <random>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace doorpost::sync::test {
namespace {

using namespace std::chrono_literals;

// Two centrals over one PostgreSQL when the backend asks for it; requests alternate between them.
struct Centrals {
    std::unique_ptr<InProcessCentral> first;
    std::unique_ptr<InProcessCentral> second;
    std::vector<int> ports() const {
        std::vector<int> out{first->port()};
        if (second)
            out.push_back(second->port());
        return out;
    }
};

Centrals startCentrals(const StoreLocation& where) {
    Centrals centrals;
    centrals.first = std::make_unique<InProcessCentral>(where.location());
    if (where.backend() == Backend::PostgresTwoCentrals)
        centrals.second = std::make_unique<InProcessCentral>(where.location());
    return centrals;
}

std::string enroll(central::CentralStore& store, const std::string& name) {
    auto token = store.enrollDevice(name, false);
    REQUIRE(token.ok());
    return *token;
}

int freePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    close(fd);
    return ntohs(address.sin_port);
}

} // namespace

void endToEndTwoKiosks(Backend backend, const ScenarioSize& size) {
    StoreLocation where(backend);
    if (!where.available())
        return;
    Centrals centrals = startCentrals(where);
    const std::string tokenA = enroll(centrals.first->store(), "kiosk-a");
    const std::string tokenB = enroll(centrals.first->store(), "kiosk-b");
    Kiosk a;
    Kiosk b;
    a.append(size.eventsPerKiosk, "a");
    b.append(size.eventsPerKiosk, "b");

    // Kiosk B talks to the second central when there is one: two stateless processes, one store.
    const std::string urlB = centrals.second ? centrals.second->url() : centrals.first->url();
    client::RoundReport reportA;
    client::RoundReport reportB;
    std::thread other([&] { reportB = syncUntilDone(b.db(), testConfig(urlB, tokenB)); });
    reportA = syncUntilDone(a.db(), testConfig(centrals.first->url(), tokenA));
    other.join();
    INFO(reportA.error << " / " << reportB.error);
    REQUIRE(reportA.end == client::RoundEnd::Done);
    REQUIRE(reportB.end == client::RoundEnd::Done);
    CHECK(reportA.pushed == size.eventsPerKiosk);
    CHECK(reportB.pushed == size.eventsPerKiosk);
    CHECK(reportA.waiting() == 0);

    requireCentralHoldsExactly(where.location(), "kiosk-a", a);
    requireCentralHoldsExactly(where.location(), "kiosk-b", b);
    auto stats = centrals.first->store().stats();
    REQUIRE(stats.ok());
    CHECK(stats->events == 2 * size.eventsPerKiosk);
    CHECK(stats->findings.empty());
    for (const auto& chain : stats->chains)
        CHECK(chain.headHash == (chain.device == "kiosk-a" ? a.status() : b.status()).headHash);

    // Another round sends nothing new and changes nothing.
    const client::RoundReport again =
        syncUntilDone(a.db(), testConfig(centrals.first->url(), tokenA));
    CHECK(again.pushed == 0);
    requireCentralHoldsExactly(where.location(), "kiosk-a", a);
}

void faultEpisodes(Backend backend, const ScenarioSize& size) {
    StoreLocation where(backend);
    if (!where.available())
        return;
    Centrals centrals = startCentrals(where);
    FaultProxy proxy(centrals.ports());
    const std::string tokenA = enroll(centrals.first->store(), "kiosk-a");
    const std::string tokenB = enroll(centrals.first->store(), "kiosk-b");
    Kiosk a;
    Kiosk b;
    a.append(size.faultEvents, "a");
    b.append(size.faultEvents, "b");

    const std::vector<Fault> kinds{Fault::Delay,     Fault::ResetMidBody, Fault::TruncatedResponse,
                                   Fault::Status500, Fault::Status503,    Fault::DropAfterCommit};
    std::vector<Fault> faults;
    for (int i = 0; i < size.faultEpisodes; ++i)
        faults.push_back(kinds[static_cast<std::size_t>(i) % kinds.size()]);
    std::mt19937 random(6);
    std::shuffle(faults.begin(), faults.end(), random);
    proxy.schedule(faults);

    // Each kiosk syncs through the proxy, in small batches so there are many requests to hit,
    // and keeps recording events while the faults go on.
    // Runs on two threads: no Catch2 assertions inside; failures come back in the report.
    auto drive = [&](Kiosk& kiosk, const std::string& token, const std::string& prefix) {
        client::SyncConfig config = testConfig(proxy.url(), token);
        config.maxBatchEvents = 100;
        client::RoundReport report;
        auto session = client::SyncSession::open(kiosk.db(), config);
        if (!session) {
            report.end = client::RoundEnd::LocalFault;
            report.error = "open sync session: " + session.error().message;
            return report;
        }
        int extra = 0;
        for (int round = 0; round < 5000; ++round) {
            report = (*session)->runRound();
            if (report.end == client::RoundEnd::Done && proxy.pending() == 0 && extra >= 200)
                break;
            if (extra < 200 && round % 3 == 0) {
                if (auto appended = kiosk.tryAppend(20, prefix + "x"); !appended) {
                    report.end = client::RoundEnd::LocalFault;
                    report.error = "append: " + appended.error().message;
                    return report;
                }
                extra += 20;
            }
        }
        return report;
    };
    client::RoundReport reportB;
    std::thread other([&] { reportB = drive(b, tokenB, "b"); });
    const client::RoundReport reportA = drive(a, tokenA, "a");
    other.join();
    INFO(reportA.error << " / " << reportB.error);
    REQUIRE(proxy.pending() == 0);
    int total = 0;
    for (const auto& [fault, count] : proxy.injected()) {
        INFO(faultName(fault));
        CHECK(count >= 1);
        total += count;
    }
    CHECK(total >= 100);
    CHECK(proxy.injected().size() == kinds.size());
    REQUIRE(reportA.end == client::RoundEnd::Done);
    REQUIRE(reportB.end == client::RoundEnd::Done);
    requireCentralHoldsExactly(where.location(), "kiosk-a", a);
    requireCentralHoldsExactly(where.location(), "kiosk-b", b);
}

void killSyncWorker(Backend backend, const ScenarioSize& size) {
    StoreLocation where(backend);
    if (!where.available())
        return;
    Centrals centrals = startCentrals(where);
    FaultProxy proxy(centrals.ports()); // no faults scheduled: round robin over the centrals
    const std::string token = enroll(centrals.first->store(), "kiosk-a");
    Kiosk kiosk;
    // A backlog of 40 batches: each kill costs the worker at most the batch in flight, and
    // kills are timed to land during a push, so most of it is still there at the 50th.
    kiosk.append(20000, "a");

    TempDir logs;
    std::mt19937 random(3);
    int inFlight = 0;    // kills sent while the proxy held a push the worker was waiting for
    int interrupted = 0; // kills after some progress of this worker but before the end
    int killedRunning = 0;
    for (int i = 0; i < size.kills; ++i) {
        const std::int64_t before = syncStatePosition(kiosk);
        const int forwardedBefore = proxy.pushesForwarded();
        // The kill comes during the worker's first or second push of this run.
        const int nth = 1 + std::uniform_int_distribution<int>(0, 1)(random);
        const pid_t pid =
            spawnProcess({std::string(DOORPOST_BIN_DIR) + "/doorpost", "--db", kiosk.path(), "sync",
                          "--central", proxy.url(), "--token", token, "--once"},
                         logs.file("worker.log"));
        bool landed = false;
        for (int waited = 0; waited < 20000; ++waited) { // 20 s at most (sanitized builds)
            if (proxy.pushesForwarded() >= forwardedBefore + nth && proxy.inFlightPushes() > 0) {
                landed = true;
                break;
            }
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid)
                break; // it finished on its own (nothing left to push)
            std::this_thread::sleep_for(std::chrono::microseconds(
                500 + std::uniform_int_distribution<int>(0, 500)(random)));
        }
        if (landed && proxy.inFlightPushes() > 0)
            ++inFlight;
        ::kill(pid, SIGKILL);
        const bool wasRunning = waitProcess(pid) == 128 + SIGKILL;
        if (wasRunning)
            ++killedRunning;
        const std::int64_t after = syncStatePosition(kiosk);
        if (after > before && after < kiosk.status().lastSeq)
            ++interrupted;
        kiosk.append(40, "a" + std::to_string(i) + "-");
    }
    INFO("kills while a push was in flight: " << inFlight << ", after progress: " << interrupted
                                              << ", killed while running: " << killedRunning);
    WARN("worker kills while a push was in flight: " << inFlight << " of " << size.kills);
    CHECK(inFlight >= size.kills / 2);
    CHECK(killedRunning >= size.kills / 2);
    const client::RoundReport report = syncUntilDone(kiosk.db(), testConfig(proxy.url(), token));
    INFO(report.error);
    REQUIRE(report.end == client::RoundEnd::Done);
    requireCentralHoldsExactly(where.location(), "kiosk-a", kiosk);
}

void killCentral(Backend backend, const ScenarioSize& size) {
    StoreLocation where(backend);
    if (!where.available())
        return;
    TempDir dir;
    std::vector<std::unique_ptr<CentralProcess>> processes;
    processes.push_back(
        std::make_unique<CentralProcess>(where.location(), freePort(), dir.file("c1")));
    if (backend == Backend::PostgresTwoCentrals)
        processes.push_back(
            std::make_unique<CentralProcess>(where.location(), freePort(), dir.file("c2")));
    std::vector<int> ports;
    for (auto& process : processes)
        ports.push_back(process->port());
    std::string token;
    {
        auto store = central::CentralStore::open(where.location());
        REQUIRE(store.ok());
        token = enroll(**store, "kiosk-a");
    }
    FaultProxy proxy(ports);
    Kiosk kiosk;
    kiosk.append(3000, "a");
    for (auto& process : processes)
        process->start();

    // The worker syncs continuously on its own connection while the centrals die and return.
    // The worker thread makes no Catch2 assertions (not thread-safe); it reports a setup failure
    // in workerError, checked after join.
    std::atomic<bool> stop{false};
    std::string workerError;
    std::thread worker([&] {
        auto db = storage::Database::open(kiosk.path());
        if (!db) {
            workerError = "open kiosk database: " + db.error().message;
            return;
        }
        auto session = client::SyncSession::open(*db, testConfig(proxy.url(), token));
        if (!session) {
            workerError = "open sync session: " + session.error().message;
            return;
        }
        while (!stop) {
            const client::RoundReport report = (*session)->runRound();
            if (report.end != client::RoundEnd::Done)
                std::this_thread::sleep_for(2ms);
        }
    });
    std::mt19937 random(5);
    std::uniform_int_distribution<int> delayMs(5, 80);
    int duringRequest = 0; // kills sent while the proxy waited for a central's answer
    for (int i = 0; i < size.kills; ++i) {
        auto& victim = processes[static_cast<std::size_t>(i) % processes.size()];
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(random)));
        // Then wait (2 s at most) for a request to be in flight, so the kill lands in one.
        for (int waited = 0; waited < 4000 && proxy.inFlight() == 0; ++waited)
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        if (proxy.inFlight() > 0)
            ++duringRequest;
        victim->kill();
        kiosk.append(40, "a" + std::to_string(i) + "-");
        victim->start();
    }
    stop = true;
    worker.join();
    INFO(workerError);
    REQUIRE(workerError.empty());
    WARN("central kills while a request was in flight: " << duringRequest << " of " << size.kills);
    CHECK(duringRequest >= size.kills / 2);
    const client::RoundReport report = syncUntilDone(kiosk.db(), testConfig(proxy.url(), token));
    INFO(report.error);
    REQUIRE(report.end == client::RoundEnd::Done);
    for (auto& process : processes)
        process->kill();
    requireCentralHoldsExactly(where.location(), "kiosk-a", kiosk);
}

void reconciliationFindings(Backend backend) {
    StoreLocation where(backend);
    if (!where.available())
        return;
    InProcessCentral central(where.location());
    const std::string tokenA = central.store().enrollDevice("door-1", false).value();
    const std::string tokenB = central.store().enrollDevice("door-2", false).value();
    // "pass-late1" (door 2's second record) is revoked before it is used.
    REQUIRE(central.store()
                .upsertSet("denylist", {{"pass-late1", {{"revoked_at_ms", 1}}}}, "", false)
                .ok());
    Kiosk a;
    Kiosk b;
    a.append(1, "dup");
    a.append(5, "onlya");
    b.append(1, "dup");  // same subject as a's first record, same minute
    b.append(1, "late"); // pass-late1: revoked
    REQUIRE(syncUntilDone(a.db(), testConfig(central.url(), tokenA)).end == client::RoundEnd::Done);
    const client::RoundReport report = syncUntilDone(b.db(), testConfig(central.url(), tokenB));
    REQUIRE(report.end == client::RoundEnd::Done);
    CHECK(report.findings == 2); // both came back to door 2
    auto stats = central.store().stats();
    REQUIRE(stats.ok());
    REQUIRE(stats->findings.size() == 2);
    CHECK(stats->findings[0].finding.kind == "double_admission");
    CHECK(stats->findings[0].finding.otherDevice == "door-1");
    CHECK(stats->findings[1].finding.kind == "revoked_pass_used");
}

} // namespace doorpost::sync::test
