// doorpost-central: the central service and its operator commands. The entry point: it parses
// the command line and runs the chosen subcommand; `serve` (cmd_serve.cpp) composes the service.

#include "doorpost_version.hpp"
#include "sync/central/cli/command_registry.hpp"

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
    registerAllCommands(app, context);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : 2; // usage errors are bad input (exit 2)
    }
    return context.exitCode;
}
