// `doorpost-central bench fleet`: the morning after an outage. N doors (default 200), each with
// its own enrolment, its own keep-alive connection and a real hash-chained backlog of E events
// (default 2,000) in its own kiosk log, reconnect at once to a central on loopback and drain.
// Per store (SQLite; PostgreSQL with --postgres or $DOORPOST_PG_URL) it prints the time to
// drain, events/s, push latency p50/p99 (answers 200), 429/4xx/5xx counts, the fastest and the
// slowest door's drain time, the longest any door went without an acknowledged push (a starved
// door shows here), and whether every event arrived exactly once; beside it the same
// run's bulk load of the same kind of rows (COPY / one INSERT transaction) as the baseline.
// --trickle T also holds T connections that send a request a byte at a time throughout.
//
// The doors speak HTTP through cpp-httplib's client (this binary links no kiosk client code);
// what they send is what a kiosk sends: the same records (sync/event_wire), batches of up to
// 500 records / 256 KiB from the acknowledged prefix, Retry-After honoured with jitter.

#define CPPHTTPLIB_USE_POLL // doors and tricklers hold more than FD_SETSIZE sockets
#include "storage/base/command_line.hpp"
#include "storage/device_key.hpp"
#include "storage/event_log.hpp"
#include "sync/backoff.hpp"
#include "sync/central/central_server.hpp"
#include "sync/central/cli/central_cli.hpp"
#include "sync/central/cli/copy_baseline.hpp"
#include "sync/central/cli/scratch_dir.hpp"
#include "sync/event_wire.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <httplib.h>
#include <iostream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <random>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace doorpost::sync::central::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct FleetOptions {
    int doors = 200;
    int events = 2000;
    std::string postgres;
    std::string only; // "sqlite", "postgres" or empty: both that can run
    int trickle = 0;
    int storeConnections = 0;
    int workers = 0;
    long queueBudgetMs = 200;
};

// One door's backlog, made before the clock starts: each record's push JSON and hash.
struct DoorLog {
    std::string name;
    std::string epoch;
    std::string deviceKey;
    std::vector<std::string> wire;
    std::vector<std::string> hashes;
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double cpuSeconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Each door's kiosk log: a real EventLog (hash chain, device id = the door's name), filled in
// batches at synchronous=NORMAL (setup, not what is measured). Two threads share the work.
Result<std::vector<DoorLog>> makeDoors(const std::filesystem::path& dir, int count, int events) {
    std::vector<DoorLog> doors(static_cast<std::size_t>(count));
    std::vector<std::string> errors(2);
    auto fill = [&](int part) {
        for (int d = part; d < count; d += 2) {
            DoorLog& door = doors[static_cast<std::size_t>(d)];
            char name[32];
            std::snprintf(name, sizeof name, "fleet-%03d", d);
            door.name = name;
            storage::OpenOptions fast;
            fast.synchronous = storage::Synchronous::Normal;
            auto db = storage::Database::open((dir / (door.name + ".db")).string(), fast);
            auto log = db ? storage::EventLog::open(*db) : Result<storage::EventLog>(db.error());
            auto key = log ? storage::devicePublicKey(*db) : Result<std::string>(log.error());
            auto named = key ? log->setDeviceId(door.name) : Result<void>(key.error());
            if (!named) {
                errors[static_cast<std::size_t>(part)] = named.error().message;
                return;
            }
            door.deviceKey = *key;
            door.epoch = log->epoch();
            std::vector<storage::EventDraft> drafts;
            for (int i = 0; i < events; ++i) {
                storage::EventDraft& draft = drafts.emplace_back();
                draft.credentialType = "dp1";
                // One person per event: nobody is admitted at two doors (no findings to make).
                char subject[80]; // 64 hex-like digits while d and i fit in 8 digits each
                std::snprintf(subject, sizeof subject, "%056d%08d", d, i);
                draft.subjectKey = subject;
                draft.maskedId = "1101**********" + std::to_string(1000 + i % 9000);
                draft.verdict = i % 10 == 0 ? Verdict::Deny : Verdict::Admit;
                draft.reasons = {"ok"};
                draft.detail = R"({"pass_id":"pass-)" + door.name + "-" + std::to_string(i) +
                               R"(","room":"A-101"})";
                if (drafts.size() == 1000 || i + 1 == events) {
                    if (auto seq = log->appendMany(drafts); !seq) {
                        errors[static_cast<std::size_t>(part)] = seq.error().message;
                        return;
                    }
                    drafts.clear();
                }
            }
            auto read = log->readSeqRange(1, events);
            if (!read) {
                errors[static_cast<std::size_t>(part)] = read.error().message;
                return;
            }
            for (const auto& event : *read) {
                std::string text;
                if (!appendWireJson(text, event, ""))
                    text = dumpJson(toJson(toWire(event)));
                door.wire.push_back(std::move(text));
                door.hashes.push_back(event.hash);
            }
        }
    };
    std::thread other(fill, 1);
    fill(0);
    other.join();
    for (const auto& error : errors)
        if (!error.empty())
            return environmentFault("bench fleet: filling a door's log: " + error);
    return doors;
}

// Connections that each send the start of a request and then one byte a second, forever:
// what a slow or hostile client does to a server that gives each connection a thread.
class Tricklers {
public:
    Tricklers(int port, int count) : m_port(port) {
        for (int i = 0; i < count; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(static_cast<std::uint16_t>(port));
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (fd < 0 ||
                ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
                if (fd >= 0)
                    ::close(fd);
                continue;
            }
            const std::string start = "POST /v1/devices/trickle/events HTTP/1.1\r\nHost: x\r\n";
            (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
            m_fds.push_back(fd);
        }
        m_thread = std::thread([this] { run(); });
    }
    ~Tricklers() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
        for (const int fd : m_fds)
            ::close(fd);
    }
    int open() const { return static_cast<int>(m_fds.size()); }
    // Sends each connection its next byte now and counts those the central has not closed (no
    // end of stream or error to read, and the byte went out). A drain shorter than the
    // trickle's second is measured too.
    int stillOpen() {
        std::lock_guard lock(m_mutex);
        return trickle();
    }

private:
    int trickle() {
        const char* header =
            "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        int open = 0;
        for (const int fd : m_fds) {
            char byte = 0;
            const ssize_t peeked = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
            const bool closed =
                peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
            if (!closed && ::send(fd, header + m_at % 60, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
                ++open;
        }
        ++m_at;
        return open;
    }
    void run() {
        std::unique_lock lock(m_mutex);
        while (!m_wake.wait_for(lock, std::chrono::milliseconds(1000), [this] { return m_stop; }))
            trickle();
    }
    int m_port;
    std::vector<int> m_fds;
    std::mutex m_mutex; // guards m_stop and m_at; the trickle thread and stillOpen() take turns
    std::condition_variable m_wake;
    bool m_stop = false;
    std::size_t m_at = 0;
    std::thread m_thread;
};

struct DoorResult {
    double drainSeconds = -1; // -1: did not finish
    double longestGapS = 0;   // the longest this door went without a push acknowledged
    std::vector<double> pushMs;
    std::int64_t pushes = 0;
    std::int64_t busy = 0; // 429
    std::int64_t other4xx = 0;
    std::int64_t server5xx = 0;
    std::int64_t transport = 0;
    std::string error;
};

std::int64_t wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One door: enrol, then push from the acknowledged prefix until the central holds everything.
DoorResult driveDoor(const DoorLog& door, const std::string& token, int port,
                     Clock::time_point start, std::uint64_t seed) {
    DoorResult result;
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    client.set_write_timeout(60);
    // Paced exactly as the kiosk's sync worker paces itself (sync/backoff.hpp).
    Backoff backoff(std::chrono::milliseconds(500), std::chrono::milliseconds(60000), seed);
    auto headers = [&](std::int64_t lastSeq) {
        httplib::Headers out{{"Authorization", "Bearer " + token},
                             {"User-Agent", "doorpost-fleet/1"},
                             {"Doorpost-Time", std::to_string(wallMs())}};
        if (lastSeq > 0)
            out.emplace("Doorpost-Log-Last-Seq", std::to_string(lastSeq));
        return out;
    };
    auto classify = [&](const httplib::Result& answer) -> bool {
        if (!answer) {
            ++result.transport;
            std::this_thread::sleep_for(backoff.next());
            return false;
        }
        if (answer->status == 200)
            return true;
        long retryAfter = -1;
        if (answer->has_header("Retry-After"))
            retryAfter = std::atol(answer->get_header_value("Retry-After").c_str());
        if (answer->status == 429)
            ++result.busy;
        else if (answer->status >= 500)
            ++result.server5xx;
        else
            ++result.other4xx;
        if (answer->status != 429 && answer->status < 500) {
            result.error = "answered " + std::to_string(answer->status) + ": " + answer->body;
            return false;
        }
        std::this_thread::sleep_for(answer->status == 429 ? backoff.busy(retryAfter)
                                                          : backoff.next(retryAfter));
        return false;
    };
    const std::string enrolBody =
        dumpJson(nlohmann::json{{"device_key", door.deviceKey}, {"epoch", door.epoch}});
    for (int attempt = 0; attempt < 1000; ++attempt) {
        auto answer = client.Post("/v1/enrol", headers(0), enrolBody, "application/json");
        if (classify(answer))
            break;
        if (!result.error.empty())
            return result;
    }
    const auto total = static_cast<std::int64_t>(door.wire.size());
    std::int64_t acked = 0;
    auto lastProgress = start;
    for (int attempt = 0; acked < total && attempt < 100000; ++attempt) {
        std::string body = R"({"epoch":")" + door.epoch + R"(","events":[)";
        std::int64_t last = acked;
        while (
            last < total && last - acked < static_cast<std::int64_t>(kMaxEventsPerPush) &&
            (last == acked || body.size() + door.wire[static_cast<std::size_t>(last)].size() + 512 <
                                  kMaxPushBytes)) {
            if (last > acked)
                body += ',';
            body += door.wire[static_cast<std::size_t>(last)];
            ++last;
        }
        body += R"(],"head_hash":")" + door.hashes[static_cast<std::size_t>(last - 1)] + "\"}";
        const auto sent = Clock::now();
        auto answer = client.Post(("/v1/devices/" + door.name + "/events").c_str(), headers(total),
                                  body, "application/json");
        ++result.pushes;
        if (!classify(answer)) {
            if (!result.error.empty())
                return result;
            continue;
        }
        result.pushMs.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        result.longestGapS = std::max(result.longestGapS, secondsSince(lastProgress));
        lastProgress = Clock::now();
        backoff.reset();
        auto json = parseJson(answer->body);
        auto parsed = json ? pushResponseFromJson(*json) : Result<PushResponse>(json.error());
        if (!parsed) {
            result.error = "malformed push answer";
            return result;
        }
        acked = parsed->ackedThrough;
    }
    if (acked >= total)
        result.drainSeconds = secondsSince(start);
    return result;
}

double percentile(std::vector<double>& values, double p) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// One store: a fresh central, every door enrolled, then all at once.
int runStore(const std::string& prefix, const std::string& location, bool postgres,
             const std::vector<DoorLog>& doors, const FleetOptions& options) {
    const int connections =
        options.storeConnections > 0 ? options.storeConnections : (postgres ? 4 : 1);
    std::vector<std::unique_ptr<CentralStore>> stores;
    for (int i = 0; i < connections; ++i) {
        auto store = CentralStore::open(location);
        if (!store)
            return fail(store.error());
        stores.push_back(std::move(*store));
    }
    std::vector<std::string> tokens;
    for (const DoorLog& door : doors) {
        auto token = stores.front()->enrollDevice(door.name, true);
        if (!token)
            return fail(token.error());
        tokens.push_back(*token);
    }
    std::vector<CentralStore*> pointers;
    for (auto& store : stores)
        pointers.push_back(store.get());
    CentralLog log(LogLevel::Warning);
    ServerOptions server;
    server.perAddressLimit = 0; // every door of this bench comes from 127.0.0.1
    server.threads = options.workers > 0 ? options.workers : std::max(4, connections);
    server.queueBudget = std::chrono::milliseconds(options.queueBudgetMs);
    server.log = &log;
    CentralServer central(pointers, server);
    auto port = central.bind();
    if (!port)
        return fail(port.error());
    std::thread serving([&central] { central.run(); });
    std::unique_ptr<Tricklers> tricklers;
    if (options.trickle > 0)
        tricklers = std::make_unique<Tricklers>(*port, options.trickle);

    std::vector<DoorResult> results(doors.size());
    const double cpuStart = cpuSeconds();
    const auto start = Clock::now();
    {
        std::vector<std::thread> threads;
        threads.reserve(doors.size());
        for (std::size_t i = 0; i < doors.size(); ++i)
            threads.emplace_back(
                [&, i] { results[i] = driveDoor(doors[i], tokens[i], *port, start, 1000 + i); });
        for (auto& thread : threads)
            thread.join();
    }
    const double drain = secondsSince(start);
    const double cpu = cpuSeconds() - cpuStart;
    const int trickling = tricklers ? tricklers->stillOpen() : 0;
    const int trickleOpened = tricklers ? tricklers->open() : 0;
    tricklers.reset();
    central.stop();
    serving.join();

    std::vector<double> latencies;
    DoorResult sum;
    double fastest = 1e9;
    double slowest = 0;
    double longestGap = 0;
    int finished = 0;
    std::string firstError;
    for (auto& result : results) {
        latencies.insert(latencies.end(), result.pushMs.begin(), result.pushMs.end());
        sum.pushes += result.pushes;
        sum.busy += result.busy;
        sum.other4xx += result.other4xx;
        sum.server5xx += result.server5xx;
        sum.transport += result.transport;
        longestGap = std::max(longestGap, result.longestGapS);
        if (result.drainSeconds >= 0) {
            ++finished;
            fastest = std::min(fastest, result.drainSeconds);
            slowest = std::max(slowest, result.drainSeconds);
        }
        if (firstError.empty())
            firstError = result.error;
    }
    // Exactly once: each door's chain at the central is the whole log, every record once, its
    // head the door's last hash.
    auto views = stores.front()->doors();
    if (!views)
        return fail(views.error());
    std::map<std::string, const DoorView*> byName;
    for (const DoorView& view : *views)
        byName[view.name] = &view;
    int exact = 0;
    for (const DoorLog& door : doors) {
        const auto it = byName.find(door.name);
        const auto total = static_cast<std::int64_t>(door.wire.size());
        if (it != byName.end() && it->second->events == total &&
            it->second->ackedThrough == total && it->second->headHash == door.hashes.back())
            ++exact;
    }
    const auto events = static_cast<double>(doors.size()) * options.events;
    std::cout << prefix << "_doors=" << doors.size() << '\n'
              << prefix << "_doors_drained=" << finished << '\n'
              << prefix << "_store_connections=" << connections << '\n'
              << prefix << "_workers=" << server.threads << '\n'
              << prefix << "_drain_seconds=" << drain << '\n'
              << prefix << "_events_per_s=" << static_cast<long>(events / drain) << '\n'
              << prefix << "_cpu_seconds=" << cpu << '\n'
              << prefix << "_pushes=" << sum.pushes << '\n'
              << prefix << "_push_p50_ms=" << percentile(latencies, 0.50) << '\n'
              << prefix << "_push_p99_ms=" << percentile(latencies, 0.99) << '\n'
              << prefix << "_push_max_ms=" << (latencies.empty() ? 0 : latencies.back()) << '\n'
              << prefix << "_answers_429=" << sum.busy << '\n'
              << prefix << "_answers_4xx_other=" << sum.other4xx << '\n'
              << prefix << "_answers_5xx=" << sum.server5xx << '\n'
              << prefix << "_transport_errors=" << sum.transport << '\n'
              << prefix << "_fastest_door_s=" << (finished ? fastest : -1) << '\n'
              << prefix << "_slowest_door_s=" << (finished ? slowest : -1) << '\n'
              << prefix << "_longest_door_wait_s=" << longestGap << '\n'
              << prefix << "_exactly_once_doors=" << exact << '\n';
    if (options.trickle > 0)
        std::cout << prefix << "_trickle_opened=" << trickleOpened << '\n'
                  << prefix << "_trickle_still_open=" << trickling << '\n';
    if (!firstError.empty())
        std::cerr << "doorpost-central: bench fleet: a door stopped: " << firstError << '\n';
    const bool ok = finished == static_cast<int>(doors.size()) &&
                    exact == static_cast<int>(doors.size()) && sum.server5xx == 0;
    std::cout << prefix << "_ok=" << (ok ? 1 : 0) << '\n'
              << prefix << "_meets_target="
              << (ok && drain <= 30 && percentile(latencies, 0.99) <= 500 ? 1 : 0) << '\n'
              << std::flush;
    return ok ? kExitOk : kExitNegative;
}

// The baseline: the same kind of rows (up to 100,000 of them) bulk-loaded without HTTP.
Result<double> baselineRowsPerSecond(const std::vector<DoorLog>& doors, const std::string& pgUrl,
                                     const std::filesystem::path& dir) {
    std::vector<WireEvent> rows;
    std::int64_t seq = 0;
    for (const DoorLog& door : doors)
        for (std::size_t i = 0; i < door.wire.size() && rows.size() < 100000; ++i) {
            auto json = parseJson(door.wire[i]);
            if (!json)
                return json.error();
            WireEvent event;
            event.seq = ++seq;
            event.hash = door.hashes[i];
            event.prevHash = i > 0 ? door.hashes[i - 1] : std::string(64, '0');
            event.event = (*json)["event"];
            rows.push_back(std::move(event));
        }
    auto seconds = pgUrl.empty()
                       ? sqliteInsertSeconds((dir / "baseline.db").string(), "bench", rows)
                       : postgresCopySeconds(pgUrl, "bench", rows);
    if (!seconds)
        return seconds.error();
    return static_cast<double>(rows.size()) / *seconds;
}

int run(const FleetOptions& options) {
    if (options.doors < 1 || options.events < 1)
        return fail(badInput("--doors and --events must be positive"));
    if (!options.only.empty() && options.only != "sqlite" && options.only != "postgres")
        return fail(badInput("--store: expected sqlite or postgres"));
    // Doors, tricklers and the central's own sockets are several per door: lift the soft limit.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    std::string server = options.postgres;
    if (server.empty())
        if (const char* env = std::getenv("DOORPOST_PG_URL"))
            server = env;
    if (options.only == "postgres" && server.empty())
        return fail(badInput("--store postgres: give --postgres URL or $DOORPOST_PG_URL"));
    const ScratchDir scratch("doorpost-fleet");
    if (!scratch.created())
        return fail(environmentFault("cannot create a temporary folder"));
    const std::filesystem::path& dir = scratch.path();

    const auto fillStart = Clock::now();
    auto doors = makeDoors(dir, options.doors, options.events);
    if (!doors)
        return fail(doors.error());
    std::cout << "doors=" << options.doors << "\nevents_per_door=" << options.events
              << "\nevents=" << static_cast<long>(options.doors) * options.events
              << "\ntrickle=" << options.trickle << "\nfill_seconds=" << secondsSince(fillStart)
              << "\ntarget_drain_seconds=30\ntarget_push_p99_ms=500\n"
              << std::flush;
    int exit = kExitOk;
    if (options.only != "postgres") {
        exit = std::max(exit,
                        runStore("sqlite", (dir / "central.db").string(), false, *doors, options));
        auto baseline = baselineRowsPerSecond(*doors, "", dir);
        if (!baseline)
            return fail(baseline.error());
        std::cout << "sqlite_baseline=sqlite_insert\nsqlite_baseline_rows_per_s="
                  << static_cast<long>(*baseline) << '\n';
    }
    if (options.only != "sqlite" && !server.empty()) {
        const std::string name = "doorpost_fleet_" + std::to_string(::getpid());
        auto url = createScratchDatabase(server, name);
        if (!url)
            return fail(url.error());
        exit = std::max(exit, runStore("postgres", *url, true, *doors, options));
        auto baseline = baselineRowsPerSecond(*doors, *url, dir);
        dropScratchDatabase(server, name);
        if (!baseline)
            return fail(baseline.error());
        std::cout << "postgres_baseline=postgres_copy\npostgres_baseline_rows_per_s="
                  << static_cast<long>(*baseline) << '\n';
    }
    return exit;
}

} // namespace

void registerBenchFleetCommand(CLI::App& bench, CentralContext& context) {
    auto options = std::make_shared<FleetOptions>();
    CLI::App* command = bench.add_subcommand(
        "fleet", "N doors with a backlog each reconnect at once after an outage; per store");
    command->add_option("--doors", options->doors, "Doors")->capture_default_str();
    command->add_option("--events", options->events, "Backlog per door")->capture_default_str();
    command->add_option("--postgres", options->postgres,
                        "PostgreSQL server URL (default $DOORPOST_PG_URL); a scratch database");
    command->add_option("--store", options->only, "Only this store: sqlite or postgres");
    command
        ->add_option("--trickle", options->trickle,
                     "Also hold this many connections sending a byte a second")
        ->capture_default_str();
    command->add_option("--store-connections", options->storeConnections,
                        "Central store connections (default: 4 PostgreSQL, 1 SQLite)");
    command->add_option("--workers", options->workers, "Central worker threads");
    command
        ->add_option("--queue-budget-ms", options->queueBudgetMs,
                     "Central's queue budget before 429")
        ->capture_default_str();
    command->callback([&context, options] { context.exitCode = run(*options); });
}

} // namespace doorpost::sync::central::cli
