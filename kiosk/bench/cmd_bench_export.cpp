// `doorpost bench export [--events N] [--dir DIR]`: how long the audit export and its
// verification take on a log of N events (default 1,000,000), against a baseline measured in
// the same run: the sqlite3 command-line shell writing the same rows as CSV
// (`sqlite3 -csv DB "SELECT * FROM events"`), which does no hashing, signing or fsync.
// Prints name=value lines; ratio= is export_s / baseline_s.

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/audit/export.hpp"
#include "storage/audit/verify.hpp"
#include "storage/database.hpp"
#include "storage/event.hpp"
#include "storage/event_log.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace doorpost::kiosk::bench {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchExportOptions {
    std::int64_t events = 1000000;
    std::string dir;
    bool keep = false;
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds (user + system) this process has used: on a machine shared with other work the
// wall times above depend on the load, these do not.
double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string fixed(double value, int digits) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
    return buffer;
}

// Fills a fresh database with `count` chained events, shaped like a busy exam day (a Chinese
// name, a room and seat, a sealed-ID-sized blob in detail), through the storage API
// (EventLog::appendMany), so the generated log always matches the current schema and hash.
// appendMany commits a batch in one transaction: append()'s one-fsync-per-event commit would
// take most of an hour for a million events, and is not what is being measured.
Result<void> fillDatabase(storage::Database& db, std::int64_t count) {
    static const char* const kNames[] = {"张伟", "王芳",          "李娜, Jr.", "刘洋 \"小刘\"",
                                         "陈静", "O'Brien, Anne", "杨磊",      "赵敏"};
    static const Verdict kVerdicts[] = {Verdict::Admit, Verdict::Admit, Verdict::Admit,
                                        Verdict::Deny, Verdict::Refer};
    auto log = storage::EventLog::open(db);
    if (!log) {
        return log.error();
    }
    const std::string sealed = storage::randomHex(48); // 96 chars, like a sealed box in base64
    const std::int64_t start = 1795000000000;          // 2026-11-17
    constexpr std::int64_t kBatch = 20000;
    std::vector<storage::EventDraft> drafts;
    for (std::int64_t seq = 1; seq <= count;) {
        drafts.clear();
        for (std::int64_t n = 0; n < kBatch && seq <= count; ++n, ++seq) {
            const auto i = static_cast<std::size_t>(seq);
            storage::EventDraft& draft = drafts.emplace_back();
            draft.wallTimeMs = start + seq * 250;
            draft.monotonicMs = 1000 + seq * 250;
            draft.kind = storage::EventKind::Scan;
            draft.credentialType = i % 3 == 0 ? "id" : "dp1";
            draft.subjectKey = storage::randomHex(32);
            draft.maskedId = "1101**********" + std::to_string(1000 + i % 9000);
            draft.verdict = kVerdicts[i % 5];
            draft.reasons = {i % 5 == 3 ? "roster.not_listed" : "pass.valid"};
            draft.operatorId = "staff-" + std::to_string(i % 7);
            draft.detail = std::string("{\"name\":") + nlohmann::json(kNames[i % 8]).dump() +
                           ",\"room\":\"A" + std::to_string(i % 40) + "\",\"seat\":\"" +
                           std::to_string(i % 30) + "\",\"sealed_id\":\"" + sealed + "\"}";
        }
        if (auto appended = log->appendMany(drafts); !appended) {
            return appended.error();
        }
    }
    return db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

int runBenchExport(const BenchExportOptions& options) {
    if (options.events < 1 || options.events > 20000000) {
        return fail(badInput("--events: must be 1..20000000"));
    }
    const fs::path base = options.dir.empty() ? fs::temp_directory_path() : fs::path(options.dir);
    // A --dir that does not exist yet is made (as `mkdir -p`); the bench's own work folder inside
    // it is what is removed at the end.
    std::error_code made;
    if (!options.dir.empty() && !fs::is_directory(base, made)) {
        fs::create_directories(base, made);
        if (made || !fs::is_directory(base)) {
            return fail(environmentFault("--dir: cannot create " + base.string() +
                                         (made ? ": " + made.message() : std::string())));
        }
    }
    std::string pattern = (base / "doorpost-bench-export-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        return fail(environmentFault("cannot create a folder in " + base.string()));
    }
    const fs::path work = pattern;
    // Removes the work folder (database and exports: a few GB at a million events) at any exit.
    const std::shared_ptr<void> cleanup(nullptr, [&work, &options](void*) {
        std::error_code ignored;
        if (options.keep) {
            std::cout << "kept=" << work.string() << '\n';
        } else {
            fs::remove_all(work, ignored);
        }
    });
    const std::string dbPath = (work / "bench.db").string();

    auto fillStart = Clock::now();
    {
        auto db = storage::Database::open(dbPath);
        if (!db) {
            return fail(db.error());
        }
        if (auto filled = fillDatabase(*db, options.events); !filled) {
            return fail(filled.error());
        }
    }
    const double fillS = secondsSince(fillStart);

    // Baseline: the sqlite3 shell writing the same rows as CSV.
    const std::string baselineCsv = (work / "baseline.csv").string();
    const std::string command =
        "sqlite3 -csv '" + dbPath + "' 'SELECT * FROM events ORDER BY seq' > '" + baselineCsv + "'";
    auto baselineStart = Clock::now();
    const int baselineStatus = std::system(command.c_str());
    const double baselineS = secondsSince(baselineStart);
    if (baselineStatus != 0) {
        return fail(environmentFault("baseline: the sqlite3 shell failed (is it installed?)"));
    }

    const double exportCpuStart = cpuSeconds();
    auto exportStart = Clock::now();
    auto summary = storage::audit::writeAuditExport(
        {dbPath, (work / "export").string(), 0, std::int64_t{1} << 50});
    const double exportS = secondsSince(exportStart);
    const double exportCpuS = cpuSeconds() - exportCpuStart;
    if (!summary) {
        return fail(summary.error());
    }

    const double verifyCpuStart = cpuSeconds();
    auto verifyStart = Clock::now();
    auto report =
        storage::audit::verifyAuditExport({(work / "export").string(), summary->devicePublicKey});
    const double verifyS = secondsSince(verifyStart);
    const double verifyCpuS = cpuSeconds() - verifyCpuStart;
    if (!report) {
        return fail(report.error());
    }

    std::error_code ignored;
    const auto jsonlBytes = fs::file_size(work / "export" / "events.jsonl", ignored);
    const auto csvBytes = fs::file_size(work / "export" / "events.csv", ignored);
    const auto baselineBytes = fs::file_size(baselineCsv, ignored);
    const auto events = static_cast<double>(options.events);
    std::cout << "events=" << options.events << '\n'
              << "fill_s=" << fixed(fillS, 2) << '\n'
              << "export_s=" << fixed(exportS, 2) << '\n'
              << "export_cpu_s=" << fixed(exportCpuS, 2) << '\n'
              << "events_per_s=" << fixed(events / exportS, 0) << '\n'
              << "integrity_check_s=" << fixed(summary->integrityS, 2) << '\n'
              << "integrity_check_cpu_s=" << fixed(summary->integrityCpuS, 2) << '\n'
              << "verify_s=" << fixed(verifyS, 2) << '\n'
              << "verify_cpu_s=" << fixed(verifyCpuS, 2) << '\n'
              << "verify_events_per_s=" << fixed(events / verifyS, 0) << '\n'
              << "verify_ok=" << (report->ok ? 1 : 0) << '\n'
              << "jsonl_bytes=" << jsonlBytes << '\n'
              << "csv_bytes=" << csvBytes << '\n'
              << "baseline=sqlite3_shell_csv_select_all\n"
              << "baseline_s=" << fixed(baselineS, 2) << '\n'
              << "baseline_bytes=" << baselineBytes << '\n'
              << "ratio=" << fixed(exportS / baselineS, 2) << '\n'
              << "verify_ratio=" << fixed(verifyS / baselineS, 2) << '\n';
    return report->ok ? kExitOk : kExitNegative;
}

} // namespace

void registerBenchExportCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchExportOptions>();
    CLI::App* cmd = benchCommand(app).add_subcommand(
        "export", "Time the audit export and verify-export on a generated log, against the "
                  "sqlite3 shell writing the same rows as CSV");
    cmd->add_option("--events", options->events, "Events in the generated log (default 1000000)");
    cmd->add_option("--dir", options->dir, "Where to put the temporary database and export");
    cmd->add_flag("--keep", options->keep, "Keep the database and export (prints kept=DIR)");
    cmd->callback([&context, options] { context.exitCode = runBenchExport(*options); });
}

} // namespace doorpost::kiosk::bench
