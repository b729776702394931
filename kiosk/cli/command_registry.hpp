#pragma once
// Each subcommand of `doorpost` lives in its own file (cmd_<name>.cpp) and registers itself on
// the CLI11 app through one function listed in command_registry.cpp. A subcommand sets
// `context.exitCode` from its callback; main returns it. Benchmarks register the same way,
// from kiosk/bench/bench_registry.hpp.

#include <CLI/CLI.hpp>
#include <string>

namespace doorpost::kiosk::cli {

// Options every subcommand shares. Filled by CLI11 before any subcommand callback runs.
struct GlobalOptions {
    std::string dbPath = "doorpost.db";
    std::string configPath; // empty: the embedded default site profile
    std::string version;    // set by main: sent to the central as User-Agent doorpost/VERSION
};

struct CommandContext {
    GlobalOptions global;
    int exitCode = 0;
};

void registerAllCommands(CLI::App& app, CommandContext& context);

void registerStatusCommand(CLI::App& app, CommandContext& context);
void registerSyncCommand(CLI::App& app, CommandContext& context);
void registerDecodeCommand(CLI::App& app, CommandContext& context);
void registerRunCommand(CLI::App& app, CommandContext& context);
void registerScanCommand(CLI::App& app, CommandContext& context);
void registerRegisterCommand(CLI::App& app, CommandContext& context);
void registerTrustCommand(CLI::App& app, CommandContext& context);
void registerRosterCommand(CLI::App& app, CommandContext& context);
void registerExportCommand(CLI::App& app, CommandContext& context);
void registerVerifyExportCommand(CLI::App& app, CommandContext& context);
void registerDevicesCommand(CLI::App& app, CommandContext& context);
void registerClockCommand(CLI::App& app, CommandContext& context);

} // namespace doorpost::kiosk::cli
