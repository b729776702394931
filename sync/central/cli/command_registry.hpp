#pragma once
// Each subcommand of `doorpost-central` lives in its own file (cmd_<name>.cpp) and registers
// itself through one function listed in command_registry.cpp. A callback sets
// `context.exitCode`; main returns it.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace doorpost::sync::central::cli {

struct CentralOptions {
    std::string dataDir = "central-data"; // keys, SQLite store, issued tokens
    std::string store;                    // empty: <dataDir>/central.db; or postgresql://...
    std::int64_t reentryWindowS = 600;    // "same subject at two doors" window for findings
    std::string configPath;               // --config: /etc/doorpost/central.toml under the unit
};

struct CentralContext {
    CentralOptions global;
    int exitCode = 0;
};

void registerAllCommands(CLI::App& app, CentralContext& context);
void registerKeysCommand(CLI::App& app, CentralContext& context);
void registerBenchSyncCommand(CLI::App& app, CentralContext& context);
// `bench fleet`, registered under the `bench` command that registerBenchSyncCommand makes.
void registerBenchFleetCommand(CLI::App& bench, CentralContext& context);
void registerIssuePassCommand(CLI::App& app, CentralContext& context);
void registerExportCommand(CLI::App& app, CentralContext& context);

void registerServeCommand(CLI::App& app, CentralContext& context);
void registerEnrollCommand(CLI::App& app, CentralContext& context);
void registerRosterCommand(CLI::App& app, CentralContext& context);
void registerDenyCommand(CLI::App& app, CentralContext& context);
void registerStatsCommand(CLI::App& app, CentralContext& context);
void registerDevicesCommand(CLI::App& app, CentralContext& context);

} // namespace doorpost::sync::central::cli
