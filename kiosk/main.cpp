// doorpost: the kiosk and its command line. This is the composition root: the only place that
// names concrete implementations; everything below receives what it needs.

#include "doorpost_version.hpp"
#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/exit_code.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    using namespace doorpost::kiosk;

    CLI::App app{"Doorpost: an offline-first kiosk for venue doors", "doorpost"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("doorpost ") + doorpost::kVersion);
    CommandContext context;
    app.add_option("--db", context.global.dbPath, "SQLite database file of this kiosk")
        ->capture_default_str();
    app.add_option("--config", context.global.configPath, "Site configuration (TOML)");
    registerAllCommands(app, context);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 prints help (exit 0) or a one-line usage error; bad usage is bad input.
        const int code = app.exit(error);
        return code == 0 ? kExitOk : kExitBadInput;
    }
    return context.exitCode;
}
