#include "kiosk/cli/command_registry.hpp"

namespace doorpost::kiosk::cli {

// One line per subcommand; each lives in cmd_<name>.cpp beside this file.
void registerAllCommands(CLI::App& app, CommandContext& context) {
    registerStatusCommand(app, context);
    registerSyncCommand(app, context);
    registerDecodeCommand(app, context);
    registerRunCommand(app, context);
    registerScanCommand(app, context);
    registerRegisterCommand(app, context);
    registerTrustCommand(app, context);
    registerRosterCommand(app, context);
    registerExportCommand(app, context);
    registerVerifyExportCommand(app, context);
    registerDevicesCommand(app, context);
    registerClockCommand(app, context);
}

} // namespace doorpost::kiosk::cli
