#pragma once
// `doorpost bench ...`: each benchmark lives in its own cmd_bench_<what>.cpp and hangs itself
// under the `bench` parent command through benchCommand(), so adding one touches no other
// benchmark's file. They share the command line's context and output (kiosk/cli).

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"

#include <CLI/CLI.hpp>

namespace doorpost::kiosk::bench {

using cli::CommandContext;
using cli::fail;
using cli::GlobalOptions;

// The `bench` parent command, created on first use.
CLI::App& benchCommand(CLI::App& app);

// One line per benchmark, in cmd_bench.cpp.
void registerBenchCommands(CLI::App& app, CommandContext& context);

void registerBenchDecodeCommand(CLI::App& app, CommandContext& context);
void registerBenchWriteCommand(CLI::App& app, CommandContext& context);
void registerBenchStorageCommand(CLI::App& app, CommandContext& context);
void registerBenchUiCommand(CLI::App& app, CommandContext& context);
void registerBenchVerifyCommand(CLI::App& app, CommandContext& context);
void registerBenchExportCommand(CLI::App& app, CommandContext& context);
void registerBenchSubjectKeyCommand(CLI::App& app, CommandContext& context);
void registerBenchDoorCommand(CLI::App& app, CommandContext& context);
void registerBenchMeshCommand(CLI::App& app, CommandContext& context);

} // namespace doorpost::kiosk::bench
