// `doorpost-central serve`: runs the HTTP service until SIGTERM or SIGINT.

#include "sync/central/central_server.hpp"
#include "sync/central/cli/central_cli.hpp"

#include <csignal>
#include <fstream>
#include <thread>

namespace doorpost::sync::central::cli {
namespace {

struct ServeOptions {
    ServerOptions server;
    std::string portFile;
    bool json = false;
};

int serve(const CentralContext& context, const ServeOptions& options) {
    // Block the stop signals before any thread starts, so only the waiter below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto store = openStore(context);
    if (!store)
        return fail(store.error());
    if (auto key = (*store)->setSigningSecretKey(); !key)
        return fail(key.error());
    CentralServer server(**store, options.server);
    auto port = server.bind();
    if (!port)
        return fail(port.error());
    if (!options.portFile.empty()) {
        // Written to a temporary name and renamed, so a reader never sees half a number.
        const std::string temporary = options.portFile + ".tmp";
        std::ofstream(temporary) << *port << '\n';
        std::rename(temporary.c_str(), options.portFile.c_str());
    }
    const bool tls = !options.server.certFile.empty();
    if (options.json)
        printJsonLine({{"listening", options.server.host}, {"port", *port}, {"tls", tls}});
    else
        std::cout << "listening=" << (tls ? "https://" : "http://") << options.server.host << ':'
                  << *port << '\n'
                  << std::flush;

    // Threads meet here: the signal waiter stops the server the main thread is running.
    std::thread waiter([&server, signals] {
        int received = 0;
        sigwait(&signals, &received);
        server.stop();
    });
    server.run();
    // run() also returns on a listen failure; wake the waiter so it can be joined.
    pthread_kill(waiter.native_handle(), SIGTERM);
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
    command->add_option("--threads", options->server.threads, "Worker threads")
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
