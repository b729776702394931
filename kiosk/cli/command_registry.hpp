#pragma once
// Each subcommand of `doorpost` lives in its own file (cmd_<name>.cpp) and registers itself on
// the CLI11 app through one function listed in command_registry.cpp. A subcommand sets
// `context.exitCode` from its callback; main returns it.

#include <CLI/CLI.hpp>
#include <string>

namespace doorpost::kiosk {

// Options every subcommand shares. Filled by CLI11 before any subcommand callback runs.
struct GlobalOptions {
    std::string dbPath = "doorpost.db";
    std::string configPath; // empty: the embedded default site profile
};

struct CommandContext {
    GlobalOptions global;
    int exitCode = 0;
};

void registerAllCommands(CLI::App& app, CommandContext& context);

// `doorpost bench` is a parent command: benchCommand(app) returns it, creating it on first use,
// so each benchmark registers like any other command, in its own file, in any order:
//   void registerBenchDecodeCommand(CLI::App& app, CommandContext& context) {
//       CLI::App* cmd = benchCommand(app).add_subcommand("decode", "...");
//       ...
//   }
// and is declared below and called from command_registry.cpp like the rest.
CLI::App& benchCommand(CLI::App& app);

void registerStatusCommand(CLI::App& app, CommandContext& context);
void registerSyncCommand(CLI::App& app, CommandContext& context);
void registerBenchSyncCommand(CLI::App& app, CommandContext& context);
void registerDecodeCommand(CLI::App& app, CommandContext& context);
void registerBenchDecodeCommand(CLI::App& app, CommandContext& context);
void registerBenchWriteCommand(CLI::App& app, CommandContext& context);
void registerBenchStorageCommand(CLI::App& app, CommandContext& context);
void registerRunCommand(CLI::App& app, CommandContext& context);
void registerBenchUiCommand(CLI::App& app, CommandContext& context);
void registerScanCommand(CLI::App& app, CommandContext& context);
void registerRegisterCommand(CLI::App& app, CommandContext& context);
void registerTrustCommand(CLI::App& app, CommandContext& context);
void registerRosterCommand(CLI::App& app, CommandContext& context);
void registerBenchVerifyCommand(CLI::App& app, CommandContext& context);
void registerExportCommand(CLI::App& app, CommandContext& context);
void registerVerifyExportCommand(CLI::App& app, CommandContext& context);
void registerBenchExportCommand(CLI::App& app, CommandContext& context);

} // namespace doorpost::kiosk
