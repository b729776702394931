#pragma once
// `doorpost-central`'s configuration file and credentials (packaging/README.md): which options
// /etc/doorpost/central.toml may set, which credentials stand in for options, and
// `doorpost-central config check FILE`. The mechanism both binaries share is
// storage/base/command_line_config.hpp; the kiosk's rules are kiosk/cli/config_setup.cpp.

#include "storage/base/command_line_config.hpp"
#include "sync/central/cli/command_registry.hpp"

#include <CLI/CLI.hpp>

namespace doorpost::sync::central::cli {

// The central's rules: the TLS certificate and key as paths, also from the credentials
// `tls-cert` and `tls-key`; the key's file named, never its content; no password in a `store`
// URL; the options only a command line may give; benchmarks out of the file's reach.
ConfigRules centralConfigRules();

// Registers `config check` and applies `--config` and the credentials to every subcommand. Call
// once every other subcommand is registered.
void installCentralConfig(CLI::App& app, CentralContext& context);

} // namespace doorpost::sync::central::cli
