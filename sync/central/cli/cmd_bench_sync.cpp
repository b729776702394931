// `doorpost-central bench sync`: drains a backlog of N events (default 100,000) from a kiosk log
// to this central on loopback, once per store (SQLite; PostgreSQL when --postgres or
// $DOORPOST_PG_URL names a server), and measures in the same run a plain bulk load of the same
// rows (PostgreSQL COPY, else one SQLite INSERT transaction) as the baseline for ratio=. The
// kiosk's side is the real `doorpost sync --once` from beside this binary, in its own process,
// as a door would run it: this binary links no kiosk client code, and the kiosk no server code.

#include "storage/base/command_line.hpp"
#include "storage/event_log.hpp"
#include "sync/central/central_server.hpp"
#include "sync/central/cli/central_cli.hpp"
#include "sync/central/cli/copy_baseline.hpp"
#include "sync/central/cli/scratch_dir.hpp"
#include "sync/event_wire.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace doorpost::sync::central::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchSyncOptions {
    int events = 100000;
    std::string postgres;
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double seconds(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// CPU time of this process (the central's server threads) and of its finished children (the
// kiosk's sync): on a shared machine the wall figure depends on the neighbours, this one much
// less. A PostgreSQL server's own CPU is not in it.
double cpuSeconds() {
    double total = 0;
    for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage usage{};
        ::getrusage(who, &usage);
        total += seconds(usage.ru_utime) + seconds(usage.ru_stime);
    }
    return total;
}

// The `doorpost` binary installed beside this one (build/bin, /usr/bin).
std::filesystem::path kioskBinary() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return self.parent_path() / "doorpost";
}

// Runs `doorpost --db DB sync --central URL --token T --once` and waits for it.
Result<void> runKioskSync(const std::string& dbPath, const std::string& url,
                          const std::string& token) {
    const std::string binary = kioskBinary().string();
    std::vector<std::string> args{binary, "--db",    dbPath, "sync",  "--central",
                                  url,    "--token", token,  "--once"};
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
        return environmentFault("bench sync: cannot start " + binary);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return environmentFault("bench sync: `doorpost sync --once` did not drain the backlog");
    return {};
}

struct DrainTime {
    double wall = 0;
    double cpu = 0;
};

// One drain: a fresh central over `location`, the kiosk's acknowledgements forgotten, then one
// sync round of the kiosk timed from its start to its exit.
Result<DrainTime> drain(const std::string& kioskDb, const std::string& location,
                        const std::string& device) {
    auto store = CentralStore::open(location);
    if (!store)
        return store.error();
    auto token = (*store)->enrollDevice(device, true);
    if (!token)
        return token.error();
    CentralServer server(**store, {});
    auto port = server.bind();
    if (!port)
        return port.error();
    std::thread serving([&server] { server.run(); });
    Result<DrainTime> drained = environmentFault("sync did not finish");
    {
        // Each store is a different central: forget the previous one's acknowledgements and key.
        auto db = storage::Database::open(kioskDb);
        auto cleared = db ? db->exec("DELETE FROM sync_push; DELETE FROM meta WHERE key = "
                                     "'sync_set_key'")
                          : Result<void>(db.error());
        if (!cleared)
            drained = cleared.error();
    }
    if (drained.error().message == "sync did not finish") {
        const auto start = Clock::now();
        const double cpuStart = cpuSeconds();
        auto synced = runKioskSync(kioskDb, "http://127.0.0.1:" + std::to_string(*port), *token);
        if (synced)
            drained = DrainTime{secondsSince(start), cpuSeconds() - cpuStart};
        else
            drained = synced.error();
    }
    server.stop();
    serving.join();
    return drained;
}

struct Backlog {
    std::string epoch;
    std::vector<WireEvent> wire; // the same rows, for the baseline's bulk load
};

// The backlog: a kiosk log of `count` events (filled fast: this is setup, not what is measured).
// The database is closed on return, so the kiosk's sync opens it as a door would.
Result<Backlog> fillBacklog(const std::string& path, int count) {
    storage::OpenOptions fast;
    fast.synchronous = storage::Synchronous::Normal;
    auto db = storage::Database::open(path, fast);
    if (!db)
        return db.error();
    auto log = storage::EventLog::open(*db);
    if (!log)
        return log.error();
    std::vector<storage::EventDraft> drafts;
    for (int i = 0; i < count; ++i) {
        storage::EventDraft& draft = drafts.emplace_back();
        draft.credentialType = "dp1";
        draft.subjectKey = std::string(60, 'a') + std::to_string(1000 + i % 9000);
        draft.maskedId = "1101**********" + std::to_string(1000 + i % 9000);
        draft.verdict = i % 10 == 0 ? Verdict::Deny : Verdict::Admit;
        draft.reasons = {"ok"};
        draft.detail = R"({"pass_id":"pass-)" + std::to_string(i) + R"(","room":"A-101"})";
        if (drafts.size() == 1000 || i + 1 == count) {
            if (auto seq = log->appendMany(drafts); !seq)
                return seq.error();
            drafts.clear();
        }
    }
    auto events = log->readSeqRange(1, count);
    if (!events)
        return events.error();
    Backlog backlog{log->epoch(), {}};
    backlog.wire.reserve(events->size());
    for (const auto& event : *events)
        backlog.wire.push_back(toWire(event));
    return backlog;
}

int run(const BenchSyncOptions& options) {
    if (options.events < 1)
        return fail(badInput("--events must be positive"));
    const ScratchDir scratch("doorpost-bench");
    if (!scratch.created())
        return fail(environmentFault("cannot create a temporary folder"));
    const std::filesystem::path& dir = scratch.path();

    const std::string kioskDb = (dir / "kiosk.db").string();
    const auto fillStart = Clock::now();
    auto backlog = fillBacklog(kioskDb, options.events);
    if (!backlog)
        return fail(backlog.error());
    std::cout << "events=" << options.events << "\nfill_seconds=" << secondsSince(fillStart)
              << '\n';
    const std::string& epoch = backlog->epoch;
    const std::vector<WireEvent>& wire = backlog->wire;

    auto sqlite = drain(kioskDb, (dir / "central.db").string(), "bench-sqlite");
    if (!sqlite)
        return fail(sqlite.error());
    const double sqliteRate = options.events / sqlite->wall;
    std::cout << "sqlite_seconds=" << sqlite->wall
              << "\nsqlite_events_per_s=" << static_cast<long>(sqliteRate)
              << "\nsqlite_cpu_seconds=" << sqlite->cpu
              << "\nsqlite_events_per_cpu_s=" << static_cast<long>(options.events / sqlite->cpu)
              << '\n';

    std::string server = options.postgres;
    if (server.empty())
        if (const char* env = std::getenv("DOORPOST_PG_URL"))
            server = env;
    double best = sqliteRate;
    double baseline = 0;
    if (!server.empty()) {
        const std::string name = "doorpost_bench_" + std::to_string(::getpid());
        auto url = createScratchDatabase(server, name);
        if (!url)
            return fail(url.error());
        auto postgres = drain(kioskDb, *url, "bench-postgres");
        auto copy =
            postgres ? postgresCopySeconds(*url, epoch, wire) : Result<double>(postgres.error());
        dropScratchDatabase(server, name);
        if (!postgres)
            return fail(postgres.error());
        if (!copy)
            return fail(copy.error());
        const double postgresRate = options.events / postgres->wall;
        baseline = options.events / *copy;
        std::cout << "postgres_seconds=" << postgres->wall
                  << "\npostgres_events_per_s=" << static_cast<long>(postgresRate)
                  << "\npostgres_cpu_seconds=" << postgres->cpu << "\npostgres_events_per_cpu_s="
                  << static_cast<long>(options.events / postgres->cpu)
                  << "\nbaseline=postgres_copy\nbaseline_rows_per_s=" << static_cast<long>(baseline)
                  << "\nsqlite_ratio=" << sqliteRate / baseline << '\n';
        std::cout << "ratio=" << postgresRate / baseline << '\n';
        best = std::min(sqliteRate, postgresRate);
    } else {
        auto insert = sqliteInsertSeconds((dir / "baseline.db").string(), epoch, wire);
        if (!insert)
            return fail(insert.error());
        baseline = options.events / *insert;
        std::cout << "baseline=sqlite_insert\nbaseline_rows_per_s=" << static_cast<long>(baseline)
                  << "\nratio=" << sqliteRate / baseline << '\n';
    }
    std::cout << "target_events_per_s=20000\nmeets_target=" << (best >= 20000 ? 1 : 0) << '\n';
    return kExitOk;
}

} // namespace

void registerBenchSyncCommand(CLI::App& app, CentralContext& context) {
    auto options = std::make_shared<BenchSyncOptions>();
    CLI::App* bench = app.add_subcommand(
        "bench", "Benchmarks: each prints name=value lines and a ratio= to a baseline measured "
                 "in the same run");
    bench->require_subcommand(1);
    CLI::App* command = bench->add_subcommand(
        "sync",
        "Drain an event backlog to a loopback central per store, beside a bulk-load baseline");
    command->add_option("--events", options->events, "Backlog size")->capture_default_str();
    command->add_option(
        "--postgres", options->postgres,
        "PostgreSQL server URL (default $DOORPOST_PG_URL); a scratch database is made");
    command->callback([&context, options] { context.exitCode = run(*options); });
    registerBenchFleetCommand(*bench, context);
}

} // namespace doorpost::sync::central::cli
