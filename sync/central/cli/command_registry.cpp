#include "sync/central/cli/command_registry.hpp"

namespace doorpost::sync::central::cli {

// One line per subcommand; each lives in cmd_<name>.cpp beside this file.
void registerAllCommands(CLI::App& app, CentralContext& context) {
    registerServeCommand(app, context);
    registerEnrollCommand(app, context);
    registerRosterCommand(app, context);
    registerDenyCommand(app, context);
    registerStatsCommand(app, context);
    (void)app;
    (void)context;
    registerKeysCommand(app, context);
    registerIssuePassCommand(app, context);
    registerExportCommand(app, context); // export and access-log

    registerBenchSyncCommand(app, context);
}

} // namespace doorpost::sync::central::cli
