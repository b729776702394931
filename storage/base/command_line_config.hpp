#pragma once
// The configuration file and the service's credentials, applied to a CLI11 command line the same
// way in both binaries (packaging/README.md, "What the binaries are expected to do"):
//   command line  >  its environment variable  >  configuration file  >  NAME-file  >  credential
// A key of the file is a long option without its dashes and fills every option of that name in
// the program and in the subcommands chosen on the command line. Secrets are never keys: each
// secret option NAME also reads from `--NAME-file FILE` (a file only its owner can read; the one
// secret-related key a file may hold) or from the systemd credential NAME.

#include "storage/base/config_file.hpp"
#include "storage/base/result.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace doorpost {

struct SecretOption {
    std::string name;        // the option's long name, also the credential's: "token"
    std::string environment; // a variable that gives it too and wins over the credential ("")
};

struct ConfigRules {
    std::string program; // messages start "program: "
    std::vector<SecretOption> secrets;
    // Options a file may not set: one-shot inputs and outputs (`json`, `frames`, `from`), demo
    // PINs. Named in the refusal so the administrator knows it is not a typo.
    std::set<std::string, std::less<>> commandLineOnly;
    // Top-level tables another reader takes (the kiosk's `[profiles.NAME]`); any other table is
    // an unknown section.
    std::set<std::string, std::less<>> tables;
};

// Call once every subcommand is registered. Adds `--NAME-file FILE` beside every secret option,
// and a hook that runs after the command line is parsed and before any subcommand's callback:
// it reads the file named by `configPath` (when not empty; the string is read at that moment),
// fills options from it, then fills each secret still unset from its -file or credential. A bad
// file or secret stops the program with one line naming the file, line and key, exit 2.
void installCommandLineConfig(CLI::App& root, const std::string& configPath, ConfigRules rules);

// `config check FILE`: every key against every option of the whole tree under `root` (unknown,
// secret, command-line-only, wrong type, refused by the option's own check), each error naming
// its line; a secret's -file is read and its mode checked. Sets the options it checks, so call
// it only from a command that does nothing else.
Result<void> checkConfigFile(CLI::App& root, const ConfigFile& file, const ConfigRules& rules);

} // namespace doorpost
