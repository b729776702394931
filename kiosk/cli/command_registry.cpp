#include "kiosk/cli/command_registry.hpp"

namespace doorpost::kiosk {

// One line per subcommand; each lives in cmd_<name>.cpp beside this file.
void registerAllCommands(CLI::App& app, CommandContext& context) {
    registerStatusCommand(app, context);
    registerSyncCommand(app, context);
    registerBenchSyncCommand(app, context);
    registerDecodeCommand(app, context);
    registerBenchDecodeCommand(app, context);
    registerBenchWriteCommand(app, context);
    registerBenchStorageCommand(app, context);
    registerRunCommand(app, context);
    registerBenchUiCommand(app, context);
    registerScanCommand(app, context);
    registerRegisterCommand(app, context);
    registerTrustCommand(app, context);
    registerRosterCommand(app, context);
    registerBenchVerifyCommand(app, context);
    registerExportCommand(app, context);
    registerVerifyExportCommand(app, context);
    registerBenchExportCommand(app, context);
}

} // namespace doorpost::kiosk
