#pragma once
// Each subcommand of `doorpost-central` lives in its own file (cmd_<name>.cpp) and registers
// itself through one function listed in command_registry.cpp. A callback sets
// `context.exitCode`; main returns it.

#include <CLI/CLI.hpp>
#include <string>

namespace doorpost::sync::central {

struct CentralOptions {
    std::string dataDir = "central-data"; // keys, SQLite store, issued tokens
};

struct CentralContext {
    CentralOptions global;
    int exitCode = 0;
};

void registerAllCommands(CLI::App& app, CentralContext& context);
void registerKeysCommand(CLI::App& app, CentralContext& context);
void registerIssuePassCommand(CLI::App& app, CentralContext& context);

} // namespace doorpost::sync::central
