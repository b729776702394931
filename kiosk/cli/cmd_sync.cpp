// `doorpost --db FILE sync --central URL --token T [--once] [--json]`: reconciles this kiosk with
// the central service. --once runs one round (push everything, pull every set) and exits;
// otherwise the sync worker runs until SIGINT/SIGTERM, printing its status as it changes.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "sync/client/sync_session.hpp"
#include "sync/client/sync_worker.hpp"

#include <csignal>
#include <thread>

namespace doorpost::kiosk::cli {
namespace {

struct SyncOptions {
    sync::client::SyncConfig config;
    bool once = false;
    bool json = false;
    long intervalMs = 5000;
};

nlohmann::json reportJson(const sync::client::RoundReport& report) {
    nlohmann::json sets = nlohmann::json::object();
    for (const auto& [name, cursor] : report.sets)
        sets[name] = {
            {"cursor", cursor.cursor}, {"items", cursor.items}, {"valid_until", cursor.validUntil}};
    return {{"end", std::string(sync::client::toString(report.end))},
            {"online", report.end != sync::client::RoundEnd::Unreachable &&
                           report.end != sync::client::RoundEnd::LocalFault},
            {"pushed", report.pushed},
            {"acked_through", report.ackedThrough},
            {"last_seq", report.lastSeq},
            {"events_waiting", report.waiting()},
            {"quarantined", report.quarantined},
            {"findings", report.findings},
            {"clock_offset_ms", report.clockOffsetMs},
            {"sets", sets},
            {"refused_sets", report.refusedSets},
            {"error", report.error}};
}

int exitCodeFor(const sync::client::RoundReport& report) {
    switch (report.end) {
    case sync::client::RoundEnd::Done:
        return report.refusedSets.empty() ? kExitOk : kExitNegative;
    case sync::client::RoundEnd::Refused:
        return kExitBadInput;
    case sync::client::RoundEnd::Unreachable:
    case sync::client::RoundEnd::ServerError:
    case sync::client::RoundEnd::LocalFault:
        return kExitEnvironment;
    }
    return kExitEnvironment;
}

int runOnce(const std::string& dbPath, const SyncOptions& options) {
    auto db = storage::Database::open(dbPath);
    if (!db)
        return fail(db.error());
    auto session = sync::client::SyncSession::open(*db, options.config);
    if (!session)
        return fail(session.error());
    const sync::client::RoundReport report = (*session)->runRound();
    if (options.json) {
        printJsonLine(reportJson(report));
    } else {
        std::cout << "end=" << sync::client::toString(report.end) << "\npushed=" << report.pushed
                  << "\nacked_through=" << report.ackedThrough
                  << "\nevents_waiting=" << report.waiting()
                  << "\nquarantined=" << report.quarantined << "\nfindings=" << report.findings
                  << "\nclock_offset_ms=" << report.clockOffsetMs << '\n';
        for (const auto& [name, cursor] : report.sets)
            std::cout << "set=" << name << " cursor=" << cursor.cursor << " items=" << cursor.items
                      << '\n';
    }
    if (!report.error.empty())
        std::cerr << "doorpost: " << report.error << '\n';
    return exitCodeFor(report);
}

int runWorker(const std::string& dbPath, SyncOptions options) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr); // before the worker thread exists
    options.config.interval = std::chrono::milliseconds(options.intervalMs);
    sync::client::SyncWorker worker(dbPath, options.config);
    worker.start();
    std::int64_t printedRounds = 0;
    for (;;) {
        timespec poll{0, 200 * 1000 * 1000};
        if (sigtimedwait(&signals, nullptr, &poll) > 0)
            break;
        const sync::client::SyncStatus status = worker.status();
        if (status.rounds == printedRounds)
            continue;
        printedRounds = status.rounds;
        const nlohmann::json line{{"online", status.online},
                                  {"events_waiting", status.eventsWaiting},
                                  {"last_sync_ms", status.lastSyncMs},
                                  {"clock_offset_ms", status.clockOffsetMs},
                                  {"quarantined", status.quarantined},
                                  {"findings", status.findings},
                                  {"end", status.lastEnd},
                                  {"error", status.lastError}};
        if (options.json)
            printJsonLine(line);
        else
            std::cout << (status.online ? "online" : "offline")
                      << " events_waiting=" << status.eventsWaiting
                      << (status.lastError.empty() ? "" : " error=" + status.lastError) << '\n'
                      << std::flush;
    }
    worker.stop();
    return kExitOk;
}

} // namespace

void registerSyncCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<SyncOptions>();
    auto* command = app.add_subcommand("sync", "Reconcile with the central service");
    command
        ->add_option("--central", options->config.centralUrl,
                     "Central URL, e.g. https://central:8443")
        ->required();
    command
        ->add_option("--token", options->config.token,
                     "Device bearer token from `doorpost-central enroll`")
        ->required()
        ->envname("DOORPOST_SYNC_TOKEN");
    command->add_option("--ca", options->config.caFile,
                        "PEM bundle that signs the central's certificate");
    command->add_flag("--allow-plain-http", options->config.allowPlainHttp,
                      "Allow an http:// central beyond loopback (the token travels in clear)");
    command->add_option("--set-key", options->config.pinnedSetKey,
                        "Pin the central's set-signing public key (hex)");
    command->add_option("--interval-ms", options->intervalMs, "Pause between rounds when caught up")
        ->capture_default_str();
    command->add_flag("--once", options->once, "One round, then exit");
    command->add_flag("--json", options->json, "One JSON object per line");
    command->callback([&context, options] {
        options->config.userAgent = "doorpost/" + context.global.version;
        context.exitCode = options->once ? runOnce(context.global.dbPath, *options)
                                         : runWorker(context.global.dbPath, *options);
    });
}

} // namespace doorpost::kiosk::cli
