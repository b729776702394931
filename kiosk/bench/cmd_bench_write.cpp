// `doorpost bench write`: how fast the event log commits durable events, against plain SQLite.
// Appends synthetic scan events one transaction each (the gate's pattern), printing
// "committed <seq>" after each commit returned; the baseline inserts rows of the same size into
// a plain table of a second file beside the database (same disk, same pragmas), one transaction
// each. The two run interleaved in blocks, so a noisy neighbour on the disk hits both alike.
// Both rates are calls over the summed time of the calls themselves (append, or the baseline's
// BEGIN/INSERT/COMMIT), each timed the same way, so printing "committed" counts for neither.

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/bench/bench_support.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sqlite3.h>
#include <sys/resource.h>

namespace doorpost::kiosk::bench {

namespace {

using Clock = std::chrono::steady_clock;

struct BenchWriteOptions {
    int events = 20000;
    int block = 250;
};

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time (user + system) this thread has used, in microseconds. Wall time on a shared machine
// mostly measures the neighbours' disk traffic (a commit waits for an fsync); CPU time is what
// each path itself costs.
double threadCpuUs() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    const auto us = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
    };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

// Bytes a stored event occupies in its row's columns (the baseline's row size).
std::size_t rowBytes(const storage::Event& e) {
    return e.eventId.size() + e.epoch.size() + e.deviceId.size() + 8 + 8 + e.bootId.size() +
           storage::toString(e.kind).size() + e.credentialType.size() + e.subjectKey.size() +
           e.maskedId.size() + toString(e.verdict).size() + storage::joinReasons(e.reasons).size() +
           e.operatorId.size() + e.detail.size() + e.prevHash.size() + e.hash.size();
}

void removeDatabaseFiles(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path + suffix, ignored);
    }
}

// The baseline: plain sqlite3, same pragmas, one INSERT per transaction.
class Baseline {
public:
    static Result<Baseline> open(const std::string& path) {
        removeDatabaseFiles(path);
        auto db = storage::Database::open(path); // same pragmas as the event log
        if (!db) {
            return db.error();
        }
        if (auto made =
                db->exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
            !made) {
            return made.error();
        }
        auto insert = db->prepare("INSERT INTO rows(payload) VALUES (?)");
        if (!insert) {
            return insert.error();
        }
        return Baseline(std::move(*db), std::move(*insert), path);
    }
    Baseline(Baseline&&) = default;
    ~Baseline() {
        if (!m_path.empty()) {
            m_insert = {};
            m_db = {};
            removeDatabaseFiles(m_path);
        }
    }

    Result<void> insert(const std::string& payload) {
        sqlite3* db = m_db->handle();
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
            return storage::sqliteError(db, sqlite3_errcode(db), "baseline begin");
        }
        if (auto inserted = m_insert.bind(1, payload).run(); !inserted) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            return inserted;
        }
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
            return storage::sqliteError(db, sqlite3_errcode(db), "baseline commit");
        }
        return {};
    }

private:
    Baseline(storage::Database db, storage::Statement insert, std::string path)
        : m_db(std::move(db)), m_insert(std::move(insert)), m_path(std::move(path)) {}
    std::optional<storage::Database> m_db;
    storage::Statement m_insert;
    std::string m_path;
};

int runBenchWrite(const GlobalOptions& global, const BenchWriteOptions& options) {
    if (options.events < 1) {
        return fail(badInput("--events: must be at least 1"));
    }
    auto db = storage::Database::open(global.dbPath);
    if (!db) {
        return fail(db.error());
    }
    auto log = storage::EventLog::open(*db);
    if (!log) {
        return fail(log.error());
    }
    auto baseline = Baseline::open(global.dbPath + ".bench-baseline");
    if (!baseline) {
        return fail(baseline.error());
    }

    std::mt19937_64 random(42);
    std::vector<double> commitMs;
    std::vector<double> baselineMs;
    commitMs.reserve(static_cast<std::size_t>(options.events));
    baselineMs.reserve(static_cast<std::size_t>(options.events));
    double eventsTotalMs = 0;
    double baselineTotalMs = 0;
    double eventsCpuUs = 0;
    double baselineCpuUs = 0;
    std::string payload;

    for (int done = 0; done < options.events;) {
        const int block = std::min(options.block, options.events - done);
        // Made before the clock starts: inventing events is not the log's work.
        std::vector<storage::EventDraft> drafts;
        for (int i = 0; i < block; ++i) {
            drafts.push_back(bench::syntheticScan(random, 300000));
        }
        const double blockCpu = threadCpuUs();
        std::int64_t firstSeq = 0;
        for (const auto& draft : drafts) {
            const auto start = Clock::now();
            auto seq = log->append(draft);
            commitMs.push_back(msSince(start));
            eventsTotalMs += commitMs.back();
            if (!seq) {
                return fail(seq.error());
            }
            firstSeq = firstSeq == 0 ? *seq : firstSeq;
            std::printf("committed %lld\n", static_cast<long long>(*seq));
            std::fflush(stdout);
        }
        eventsCpuUs += threadCpuUs() - blockCpu;
        if (payload.empty()) {
            // Rows of the same size as the events just stored.
            auto stored = log->readSeqRange(firstSeq, firstSeq);
            if (!stored || stored->empty()) {
                return fail(environmentFault("storage fault: cannot read back seq " +
                                             std::to_string(firstSeq)));
            }
            payload = storage::randomHex((rowBytes(stored->front()) + 1) / 2);
        }
        const double baselineCpu = threadCpuUs();
        for (int i = 0; i < block; ++i) {
            const auto start = Clock::now();
            if (auto inserted = baseline->insert(payload); !inserted) {
                return fail(inserted.error());
            }
            baselineMs.push_back(msSince(start));
            baselineTotalMs += baselineMs.back();
        }
        baselineCpuUs += threadCpuUs() - baselineCpu;
        done += block;
    }

    const double eventsPerS = options.events / (eventsTotalMs / 1000.0);
    const double baselinePerS = options.events / (baselineTotalMs / 1000.0);
    std::printf("events=%d\n", options.events);
    std::printf("events_per_s=%.1f\n", eventsPerS);
    std::printf("p50_commit_ms=%.3f\n", bench::percentile(commitMs, 50));
    std::printf("p99_commit_ms=%.3f\n", bench::percentile(commitMs, 99));
    std::printf("max_commit_ms=%.3f\n", commitMs.back());
    std::printf("row_bytes=%zu\n", payload.size());
    std::printf("baseline_events_per_s=%.1f\n", baselinePerS);
    std::printf("baseline_p50_commit_ms=%.3f\n", bench::percentile(baselineMs, 50));
    std::printf("baseline_p99_commit_ms=%.3f\n", bench::percentile(baselineMs, 99));
    std::printf("ratio=%.3f\n", eventsPerS / baselinePerS);
    std::printf("cpu_us_per_event=%.1f\n", eventsCpuUs / options.events);
    std::printf("baseline_cpu_us_per_event=%.1f\n", baselineCpuUs / options.events);
    std::fflush(stdout);
    return kExitOk;
}

} // namespace

void registerBenchWriteCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchWriteOptions>();
    CLI::App* cmd = benchCommand(app).add_subcommand(
        "write", "Append synthetic scan events one transaction each; compare with plain SQLite");
    cmd->add_option("--events", options->events, "How many events to append")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--block", options->block,
                    "Events per block; event and baseline blocks alternate")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->callback(
        [&context, options] { context.exitCode = runBenchWrite(context.global, *options); });
}

} // namespace doorpost::kiosk::bench
