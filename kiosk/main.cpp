// doorpost: the kiosk and its command line. The entry point only: it parses the command line
// and runs the chosen subcommand (kiosk/cli, kiosk/bench). The running kiosk is put together in
// one place, the composition root `doorpost run` calls (kiosk/cli/cmd_run.cpp).

#include "doorpost_version.hpp"
#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/config_setup.hpp"
#include "storage/base/command_line.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    using namespace doorpost::kiosk;

    CLI::App app{"Doorpost: an offline-first kiosk for venue doors", "doorpost"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("doorpost ") + doorpost::kVersion);
    cli::CommandContext context;
    context.global.version = doorpost::kVersion;
    app.add_option("--db", context.global.dbPath, "SQLite database file of this kiosk")
        ->capture_default_str();
    app.add_option("--config", context.global.configPath,
                   "Configuration file (TOML, e.g. /etc/doorpost/kiosk.toml): every key a long "
                   "option; the command line wins over it");
    cli::registerAllCommands(app, context);
    bench::registerBenchCommands(app, context);
    cli::installKioskConfig(app, context); // last: it sees every subcommand's options

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints help (exit 0) or a one-line usage error; bad usage is bad input.
        const int code = app.exit(error);
        return code == 0 ? doorpost::kExitOk : doorpost::kExitBadInput;
    }
    return context.exitCode;
}
