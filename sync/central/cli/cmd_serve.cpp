// `doorpost-central serve`: runs the HTTP service until SIGTERM or SIGINT; SIGHUP reads the TLS
// certificate and key again. Under systemd (Type=notify) it says READY=1 once it listens,
// RELOADING=1 / READY=1 around a reload and STOPPING=1 on the way out.
//
// Secure by default: plain HTTP is served on loopback only. On any other address the central
// wants --tls-cert/--tls-key, or --behind-tls-proxy when a TLS-terminating proxy in front of it
// is what the doors reach (said in the log at every start).

#include "doorpost_version.hpp"
#include "sync/central/central_server.hpp"
#include "sync/central/cli/central_cli.hpp"
#include "sync/central/http_server.hpp"

#include <csignal>
#include <fstream>
#include <systemd/sd-daemon.h>
#include <thread>

namespace doorpost::sync::central::cli {
namespace {

struct ServeOptions {
    ServerOptions server;
    std::string portFile;
    bool json = false;
    bool behindTlsProxy = false;
    std::string logLevel = "info";
    int storeConnections = 0; // 0: 4 over PostgreSQL, 1 over SQLite
    long queueBudgetMs = 200;
};

bool isPostgres(const CentralContext& context) {
    const std::string& store = context.global.store;
    return store.rfind("postgresql://", 0) == 0 || store.rfind("postgres://", 0) == 0;
}

int serve(const CentralContext& context, const ServeOptions& options) {
    LogLevel level = LogLevel::Info;
    if (!parseLogLevel(options.logLevel, level))
        return fail(badInput("--log-level: expected error, warning, info or debug"));
    const bool tls = !options.server.certFile.empty();
    if (!tls && !isLoopbackHost(options.server.host) && !options.behindTlsProxy)
        return fail(badInput(
            "--host " + options.server.host +
            ": plain HTTP beyond loopback would send device tokens in clear; give --tls-cert and"
            " --tls-key, or --behind-tls-proxy if a TLS-terminating proxy is what doors reach"));

    // Block the signals before any thread starts, so only the waiter below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    CentralLog log(level);
    // One store connection per worker over PostgreSQL, so doors push in parallel; SQLite has one
    // writer at a time anyway, and one connection shared by the workers avoids lock waits.
    const int connections =
        options.storeConnections > 0 ? options.storeConnections : (isPostgres(context) ? 4 : 1);
    std::vector<std::unique_ptr<CentralStore>> stores;
    for (int i = 0; i < connections; ++i) {
        auto store = openStore(context);
        if (!store)
            return fail(store.error());
        stores.push_back(std::move(*store));
    }
    if (auto key = stores.front()->setSigningSecretKey(); !key)
        return fail(key.error());
    std::vector<CentralStore*> pointers;
    for (auto& store : stores)
        pointers.push_back(store.get());
    ServerOptions server = options.server;
    server.log = &log;
    server.version = std::string("doorpost-central ") + kVersion;
    server.queueBudget = std::chrono::milliseconds(options.queueBudgetMs);
    if (server.threads < connections)
        server.threads = connections;
    CentralServer central(pointers, server);
    auto port = central.bind();
    if (!port)
        return fail(port.error());
    if (!options.portFile.empty()) {
        // Written to a temporary name and renamed, so a reader never sees half a number.
        const std::string temporary = options.portFile + ".tmp";
        std::ofstream(temporary) << *port << '\n';
        std::rename(temporary.c_str(), options.portFile.c_str());
    }
    const char* scheme = tls ? "https" : "http";
    log.info("listening", {{"url", std::string(scheme) + "://" + options.server.host + ":" +
                                       std::to_string(*port)},
                           {"store", isPostgres(context) ? "postgresql" : "sqlite"},
                           {"store_connections", connections},
                           {"workers", server.threads},
                           {"version", kVersion}});
    if (!tls && !isLoopbackHost(options.server.host))
        log.warning("plain_http_behind_proxy",
                    {{"host", options.server.host},
                     {"note", "serving plain HTTP beyond loopback because --behind-tls-proxy was"
                              " given: doors must reach this central only through TLS"}});
    if (options.json)
        printJsonLine({{"listening", options.server.host}, {"port", *port}, {"tls", tls}});
    else
        std::cout << "listening=" << scheme << "://" << options.server.host << ':' << *port << '\n'
                  << std::flush;
    sd_notify(0, "READY=1");

    // Threads meet here: the signal waiter reloads TLS or stops the server the main thread runs.
    std::thread waiter([&central, &log, signals] {
        for (;;) {
            int received = 0;
            sigwait(&signals, &received);
            if (received != SIGHUP) {
                sd_notify(0, "STOPPING=1");
                log.info("stopping", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
                central.stop();
                return;
            }
            sd_notify(0, "RELOADING=1");
            if (auto reloaded = central.reloadTls(); reloaded)
                log.info("tls_reloaded", {});
            else
                log.error("tls_reload_failed", {{"cause", reloaded.error().message},
                                                {"kept", "the certificate in use"}});
            sd_notify(0, "READY=1");
        }
    });
    central.run();
    waiter.join();
    return 0;
}

} // namespace

void registerServeCommand(CLI::App& app, CentralContext& context) {
    auto options = std::make_shared<ServeOptions>();
    auto* command = app.add_subcommand("serve", "Serve devices: enrolment, push and pull");
    command->add_option("--host", options->server.host, "Address to listen on")
        ->capture_default_str();
    command->add_option("--port", options->server.port, "Port (0: any free port)")
        ->capture_default_str();
    command->add_option("--tls-cert", options->server.certFile, "PEM certificate: serve HTTPS")
        ->check(CLI::ExistingFile);
    command->add_option("--tls-key", options->server.keyFile, "PEM private key of --tls-cert")
        ->check(CLI::ExistingFile);
    command->add_flag("--behind-tls-proxy", options->behindTlsProxy,
                      "Serve plain HTTP beyond loopback: a TLS-terminating proxy faces the doors");
    command->add_option("--threads", options->server.threads, "Worker threads")
        ->capture_default_str();
    command->add_option("--store-connections", options->storeConnections,
                        "Store connections (default: 4 for PostgreSQL, 1 for SQLite)");
    command
        ->add_option("--connection-limit", options->server.connectionLimit,
                     "Open connections in all")
        ->capture_default_str();
    command
        ->add_option("--per-address-limit", options->server.perAddressLimit,
                     "Open connections from one address (0: no limit)")
        ->capture_default_str();
    command
        ->add_option("--idle-timeout", options->server.idleTimeoutS,
                     "Seconds a silent connection stays open")
        ->capture_default_str();
    command
        ->add_option("--queue-budget-ms", options->queueBudgetMs,
                     "Longest expected time to an answer before a request gets 429")
        ->capture_default_str();
    command
        ->add_option("--quiet-after", options->server.quietAfterS,
                     "Seconds without contact after which a door shows as quiet")
        ->capture_default_str();
    command->add_option("--log-level", options->logLevel, "error, warning, info or debug")
        ->capture_default_str();
    command->add_option("--port-file", options->portFile, "Write the bound port to this file");
    command->add_flag("--json", options->json, "One JSON object per line");
    command->callback([&context, options] {
        if (options->server.certFile.empty() != options->server.keyFile.empty()) {
            context.exitCode = fail(badInput("--tls-cert and --tls-key go together"));
            return;
        }
        context.exitCode = serve(context, *options);
    });
}

} // namespace doorpost::sync::central::cli
