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
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace doorpost {

struct SecretOption {
    std::string name;        // the option's long name, also the credential's: "token"
    std::string environment; // a variable that gives it too and wins over the credential ("")
};

struct ConfigRules {
    std::string program;     // messages start "program: "
    std::string shippedFile; // the packages' file, for help texts: "/etc/doorpost/kiosk.toml"
    std::vector<SecretOption> secrets;
    // Options a file may not set: one-shot inputs and outputs (`json`, `frames`, `from`), demo
    // PINs. Named in the refusal so the administrator knows it is not a typo.
    std::set<std::string, std::less<>> commandLineOnly;
    // Top-level tables another reader takes (the kiosk's `[profiles.NAME]`); any other table is
    // an unknown section.
    std::set<std::string, std::less<>> tables;
    // Options whose value is a path that systemd may hand over as the credential of the same
    // name (the central's `tls-cert`, `tls-key`): left unset by the command line and the file,
    // they take $CREDENTIALS_DIRECTORY/NAME when that file exists.
    std::vector<std::string> credentialPaths;
    // Path options naming a secret's file (`tls-key`): a key may name the file, never hold its
    // content (key material is refused without being echoed), and `config check` refuses a file
    // that others can read (its group may: an ACME client's group, for renewals).
    std::set<std::string, std::less<>> secretPaths;
    // The program's own checks of a key's value beyond the option's (the central's `store` URL
    // carries no password). The reason is put after "FILE line N: key: "; it must not quote the
    // value, which may be a secret. Empty: none.
    std::function<std::optional<std::string>(const ConfigValue&)> refuseValue;
    // Subcommands the file does not reach, nor their children (the central's `bench`, whose
    // parameters and scratch stores are its own): their options are no keys, and get nothing.
    std::set<std::string, std::less<>> untouched;
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

// A program's own check of the whole file's text after checkConfigFile (the kiosk's site
// profile tables); `path` names the file in its messages.
using ConfigTextCheck = std::function<Result<void>(const std::string& path, std::string_view text)>;

// Registers `config check FILE [--json]` under `root`, the same in both binaries: the file read,
// checkConfigFile, then `extra`; on success "FILE: ok (N keys)" or one JSON object
// {file, ok, keys}; else the one-line error and its exit code (2) in `exitCode`. Call it before
// installCommandLineConfig, so its options exist when that one looks at the tree.
void addConfigCheckCommand(CLI::App& root, ConfigRules rules, int& exitCode,
                           ConfigTextCheck extra = {});

} // namespace doorpost
