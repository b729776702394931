// `doorpost bench sync`: drains a backlog of N events (default 100,000) from a kiosk log to a
// central on loopback, once per store (SQLite; PostgreSQL when --postgres or $DOORPOST_PG_URL
// names a server), and measures in the same run a plain bulk load of the same rows (PostgreSQL
// COPY, else one SQLite INSERT transaction) as the baseline for ratio=.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/event_log.hpp"
#include "sync/central/central_server.hpp"
#include "sync/central/copy_baseline.hpp"
#include "sync/event_wire.hpp"
#include "sync/sync_session.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace doorpost::kiosk {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchSyncOptions {
    int events = 100000;
    std::string postgres;
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this process (kiosk sync thread and central server threads alike): on a shared
// machine the wall figure depends on the neighbours, this one much less. A PostgreSQL server's
// own CPU is not in it.
double processCpuSeconds() {
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct DrainTime {
    double wall = 0;
    double cpu = 0;
};

// One drain: a fresh central over `location`, the kiosk's acknowledgements forgotten, then one
// sync round timed from the first request to the last acknowledgement.
Result<DrainTime> drain(storage::Database& db, const std::string& location,
                        const std::string& device) {
    auto store = sync::central::CentralStore::open(location);
    if (!store)
        return store.error();
    auto token = (*store)->enrollDevice(device, true);
    if (!token)
        return token.error();
    sync::central::CentralServer server(**store, {});
    auto port = server.bind();
    if (!port)
        return port.error();
    std::thread serving([&server] { server.run(); });
    // Each store is a different central: forget the previous one's acknowledgements and key.
    auto cleared = db.exec("DELETE FROM sync_push; DELETE FROM meta WHERE key = 'sync_set_key'");
    sync::SyncConfig config;
    config.centralUrl = "http://127.0.0.1:" + std::to_string(*port);
    config.token = *token;
    config.sets = {}; // push only: this measures the event path
    Result<DrainTime> seconds = environmentFault("sync did not finish");
    if (!cleared) {
        seconds = cleared.error();
    } else if (auto session = sync::SyncSession::open(db, config); !session) {
        seconds = session.error();
    } else {
        const auto start = Clock::now();
        const double cpuStart = processCpuSeconds();
        const sync::RoundReport report = (*session)->runRound();
        if (report.end == sync::RoundEnd::Done && report.waiting() == 0)
            seconds = DrainTime{secondsSince(start), processCpuSeconds() - cpuStart};
        else
            seconds =
                environmentFault("sync round ended " + std::string(sync::toString(report.end)) +
                                 ": " + report.error);
    }
    server.stop();
    serving.join();
    return seconds;
}

int run(const BenchSyncOptions& options) {
    if (options.events < 1)
        return fail(badInput("--events must be positive"));
    std::string pattern =
        (std::filesystem::temp_directory_path() / "doorpost-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        return fail(environmentFault("cannot create a temporary folder"));
    const std::filesystem::path dir = pattern;
    struct Cleanup {
        std::filesystem::path dir;
        ~Cleanup() {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    } cleanup{dir};

    // The backlog: a kiosk log of N events (filled fast: this is setup, not what is measured).
    storage::OpenOptions fast;
    fast.synchronous = storage::Synchronous::Normal;
    auto db = storage::Database::open((dir / "kiosk.db").string(), fast);
    if (!db)
        return fail(db.error());
    auto log = storage::EventLog::open(*db);
    if (!log)
        return fail(log.error());
    const auto fillStart = Clock::now();
    std::vector<storage::EventDraft> drafts;
    for (int i = 0; i < options.events; ++i) {
        storage::EventDraft& draft = drafts.emplace_back();
        draft.credentialType = "dp1";
        draft.subjectKey = std::string(60, 'a') + std::to_string(1000 + i % 9000);
        draft.maskedId = "1101**********" + std::to_string(1000 + i % 9000);
        draft.verdict = i % 10 == 0 ? storage::Verdict::Deny : storage::Verdict::Admit;
        draft.reasons = {"ok"};
        draft.detail = R"({"pass_id":"pass-)" + std::to_string(i) + R"(","room":"A-101"})";
        if (drafts.size() == 1000 || i + 1 == options.events) {
            if (auto seq = log->appendMany(drafts); !seq)
                return fail(seq.error());
            drafts.clear();
        }
    }
    std::cout << "events=" << options.events << "\nfill_seconds=" << secondsSince(fillStart)
              << '\n';
    auto events = log->readSeqRange(1, options.events);
    if (!events)
        return fail(events.error());
    std::vector<sync::WireEvent> wire;
    wire.reserve(events->size());
    for (const auto& event : *events)
        wire.push_back(sync::toWire(event));
    const std::string epoch = log->epoch();
    // The drain runs with the kiosk's real durability (synchronous=FULL) on its own connection.
    auto syncDb = storage::Database::open((dir / "kiosk.db").string());
    if (!syncDb)
        return fail(syncDb.error());

    auto sqlite = drain(*syncDb, (dir / "central.db").string(), "bench-sqlite");
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
        auto url = sync::central::createScratchDatabase(server, name);
        if (!url)
            return fail(url.error());
        auto postgres = drain(*syncDb, *url, "bench-postgres");
        auto copy = postgres ? sync::central::postgresCopySeconds(*url, epoch, wire)
                             : Result<double>(postgres.error());
        sync::central::dropScratchDatabase(server, name);
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
        auto insert =
            sync::central::sqliteInsertSeconds((dir / "baseline.db").string(), epoch, wire);
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

void registerBenchSyncCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchSyncOptions>();
    CLI::App* command = benchCommand(app).add_subcommand(
        "sync",
        "Drain an event backlog to a loopback central per store, beside a bulk-load baseline");
    command->add_option("--events", options->events, "Backlog size")->capture_default_str();
    command->add_option(
        "--postgres", options->postgres,
        "PostgreSQL server URL (default $DOORPOST_PG_URL); a scratch database is made");
    command->callback([&context, options] { context.exitCode = run(*options); });
}

} // namespace doorpost::kiosk
