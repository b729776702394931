#pragma once
// `doorpost`'s configuration file and credentials (packaging/README.md): which options a file may
// set, which are secrets read from systemd credentials, and `doorpost config check FILE`. The
// mechanism both binaries share is storage/base/command_line_config.hpp.

#include "kiosk/cli/command_registry.hpp"
#include "storage/base/command_line_config.hpp"

#include <CLI/CLI.hpp>

namespace doorpost::kiosk::cli {

// The kiosk's rules: secrets `token`, `staff-pin-hash`, `auditor-pin-hash`; the options only a
// command line may give; the `[profiles.NAME]` tables the site profile reader takes.
ConfigRules kioskConfigRules();

// Registers `config check` and applies `--config` and the credentials to every subcommand. Call
// once every other subcommand is registered.
void installKioskConfig(CLI::App& app, CommandContext& context);

} // namespace doorpost::kiosk::cli
