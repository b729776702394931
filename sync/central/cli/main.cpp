// doorpost-central: the central service and its operator commands. The entry point: it parses
// the command line and runs the chosen subcommand; `serve` (cmd_serve.cpp) composes the service.

#include "doorpost_version.hpp"
#include "storage/base/command_line.hpp"
#include "sync/central/cli/command_registry.hpp"
#include "sync/central/cli/config_setup.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    using namespace doorpost::sync::central::cli;

    CLI::App app{"Doorpost central service: devices, passes, rosters and reconciliation",
                 "doorpost-central"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("doorpost-central ") + doorpost::kVersion);
    CentralContext context;
    app.add_option("--data-dir", context.global.dataDir,
                   "Folder holding the central's keys and SQLite store")
        ->capture_default_str();
    app.add_option(
           "--store", context.global.store,
           "Central store: a SQLite file or a postgresql:// URL (default: DATA_DIR/central.db)")
        ->envname("DOORPOST_CENTRAL_STORE");
    app.add_option("--reentry-window", context.global.reentryWindowS,
                   "Seconds within which one subject admitted at two doors is a finding")
        ->capture_default_str();
    app.add_option("--config", context.global.configPath,
                   "Configuration file (TOML, e.g. /etc/doorpost/central.toml): every key a long "
                   "option; the command line wins over it");
    registerAllCommands(app, context);
    installCentralConfig(app, context); // last: it sees every subcommand's options

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints help (exit 0) or a one-line usage error; bad usage is bad input.
        const int code = app.exit(error);
        return code == 0 ? doorpost::kExitOk : doorpost::kExitBadInput;
    }
    return context.exitCode;
}
