// `doorpost bench storage`: the event log's read side at scale. Fills the database up to
// --events real chained events (bulk, many events per transaction), verifies the whole chain
// once, then measures the re-entry lookup (lastAdmission) against a primary-key read of a row
// (the baseline, same run, same file) and the time `status` takes (open, counters, the
// incremental chain check), as name=value lines.

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/bench/bench_support.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"

#include <chrono>
#include <cstdio>

namespace doorpost::kiosk::bench {

namespace {

using Clock = std::chrono::steady_clock;

struct BenchStorageOptions {
    std::int64_t events = 1000000;
    int lookups = 20000;
    int statusRuns = 20;
};

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

constexpr std::uint64_t kSubjects = 300000;

Result<std::int64_t> fill(storage::EventLog& log, std::int64_t target) {
    auto status = log.status();
    if (!status) {
        return status.error();
    }
    std::mt19937_64 random(static_cast<std::uint64_t>(status->lastSeq) + 7);
    std::int64_t have = status->lastSeq;
    while (have < target) {
        std::vector<storage::EventDraft> drafts;
        const auto batch = std::min<std::int64_t>(20000, target - have);
        drafts.reserve(static_cast<std::size_t>(batch));
        for (std::int64_t i = 0; i < batch; ++i) {
            drafts.push_back(bench::syntheticScan(random, kSubjects));
        }
        auto last = log.appendMany(drafts);
        if (!last) {
            return last.error();
        }
        have = *last;
    }
    return have;
}

// Opens the file and answers what `doorpost status` answers.
Result<double> timeStatus(const std::string& path) {
    const auto start = Clock::now();
    storage::OpenOptions options;
    options.quickCheck = false;
    auto db = storage::Database::open(path, options);
    if (!db) {
        return db.error();
    }
    auto log = storage::EventLog::open(*db);
    if (!log) {
        return log.error();
    }
    auto status = log->status();
    if (!status) {
        return status.error();
    }
    auto chain = log->verifyNewEvents();
    if (!chain) {
        return chain.error();
    }
    if (!chain->ok) {
        return Error{ErrorKind::Negative,
                     "chain: first bad seq " + std::to_string(chain->firstBadSeq)};
    }
    return msSince(start);
}

int runBenchStorage(const GlobalOptions& global, const BenchStorageOptions& options) {
    auto db = storage::Database::open(global.dbPath);
    if (!db) {
        return fail(db.error());
    }
    auto log = storage::EventLog::open(*db);
    if (!log) {
        return fail(log.error());
    }
    const auto fillStart = Clock::now();
    auto filled = fill(*log, options.events);
    if (!filled) {
        return fail(filled.error());
    }
    const double fillMs = msSince(fillStart);

    const auto verifyStart = Clock::now();
    auto chain = log->verifyChain();
    if (!chain) {
        return fail(chain.error());
    }
    if (!chain->ok) {
        return fail(Error{ErrorKind::Negative,
                          "chain: first bad seq " + std::to_string(chain->firstBadSeq)});
    }
    const double verifyMs = msSince(verifyStart);

    // Lookups: subjects from the pool (most were admitted) and a few never seen.
    std::mt19937_64 random(99);
    std::vector<double> lookupMs;
    std::vector<double> baselineMs;
    int found = 0;
    auto pk = db->prepare("SELECT * FROM events WHERE seq = ?");
    if (!pk) {
        return fail(pk.error());
    }
    for (int i = 0; i < options.lookups; ++i) {
        const std::string key =
            bench::subjectKey(i % 10 == 0 ? kSubjects + random() : random() % kSubjects);
        auto start = Clock::now();
        auto last = log->lastAdmission(key);
        lookupMs.push_back(msSince(start));
        if (!last) {
            return fail(last.error());
        }
        found += last->has_value() ? 1 : 0;

        const auto seq =
            static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(*filled)) + 1;
        start = Clock::now();
        pk->bind(1, seq);
        auto row = pk->step();
        pk->reset();
        baselineMs.push_back(msSince(start));
        if (!row) {
            return fail(row.error());
        }
    }

    std::vector<double> statusMs;
    for (int i = 0; i < options.statusRuns; ++i) {
        auto ms = timeStatus(global.dbPath);
        if (!ms) {
            return fail(ms.error());
        }
        statusMs.push_back(*ms);
    }

    double lookupTotal = 0;
    double baselineTotal = 0;
    for (const double ms : lookupMs) {
        lookupTotal += ms;
    }
    for (const double ms : baselineMs) {
        baselineTotal += ms;
    }
    std::printf("events=%lld\n", static_cast<long long>(*filled));
    std::printf("fill_ms=%.0f\n", fillMs);
    std::printf("full_verify_ms=%.0f\n", verifyMs);
    std::printf("lookups=%d\n", options.lookups);
    std::printf("lookups_found=%d\n", found);
    std::printf("lookup_p50_ms=%.4f\n", bench::percentile(lookupMs, 50));
    std::printf("lookup_p99_ms=%.4f\n", bench::percentile(lookupMs, 99));
    std::printf("baseline_pk_read_p50_ms=%.4f\n", bench::percentile(baselineMs, 50));
    std::printf("baseline_pk_read_p99_ms=%.4f\n", bench::percentile(baselineMs, 99));
    std::printf("status_p50_ms=%.2f\n", bench::percentile(statusMs, 50));
    std::printf("status_max_ms=%.2f\n", bench::percentile(statusMs, 100));
    std::printf("ratio=%.3f\n", baselineTotal / lookupTotal);
    std::fflush(stdout);
    return kExitOk;
}

} // namespace

void registerBenchStorageCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchStorageOptions>();
    CLI::App* cmd = benchCommand(app).add_subcommand(
        "storage", "Fill the log to --events, then time re-entry lookups and status");
    cmd->add_option("--events", options->events, "Events in the database (filled up to this)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--lookups", options->lookups, "Re-entry lookups to time")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--status-runs", options->statusRuns, "Times to open the file and run status")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->callback(
        [&context, options] { context.exitCode = runBenchStorage(context.global, *options); });
}

} // namespace doorpost::kiosk::bench
