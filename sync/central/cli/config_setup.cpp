#include "sync/central/cli/config_setup.hpp"

#include <iterator>

namespace doorpost::sync::central::cli {

ConfigRules centralConfigRules() {
    ConfigRules rules;
    rules.program = "doorpost-central";
    rules.shippedFile = "/etc/doorpost/central.toml";
    // The central takes no secret as an option's value: its TLS key is a file, a PostgreSQL
    // password a libpq password file (the credential pgpass, PGPASSFILE in the unit), the
    // sealing key's passphrase a file. What it must refuse is a secret pasted into the file.
    rules.credentialPaths = {"tls-cert", "tls-key"};
    rules.secretPaths = {"tls-key"};
    rules.refuseValue = [](const ConfigValue& value) -> std::optional<std::string> {
        if (value.key != "store") {
            return std::nullopt;
        }
        // postgresql://user:password@host/db (the user part before '@' holds a ':'), or a
        // password= parameter.
        const std::string& url = value.text;
        const auto scheme = url.find("://");
        if (scheme == std::string::npos) {
            return std::nullopt; // a SQLite file
        }
        const auto authority = scheme + 3;
        const auto at = url.find('@', authority);
        const auto slash = url.find('/', authority);
        const bool inUser = at != std::string::npos && (slash == std::string::npos || at < slash) &&
                            url.find(':', authority) < at;
        if (inUser || url.find("password=", authority) != std::string::npos) {
            return std::string("a password is never written in a configuration file; put it "
                               "in the credential pgpass (a libpq password file) or use peer "
                               "authentication");
        }
        return std::nullopt;
    };
    // What one invocation does rather than how the central is set up: output form, and each
    // operator command's own inputs.
    const char* const oneShot[] = {
        // the command line itself, and how one run speaks
        "config", "help", "version", "json", "port-file",
        // the inputs of enroll, deny, devices revoke, roster, export, access-log, keys,
        // issue-pass
        "replace", "reason", "revoked-at-ms", "valid-until", "key-field", "set", "from", "to",
        "device", "out", "unmask", "sealing-key", "passphrase-file", "auditor", "rotate",
        "sealing-key-out", "subject-id", "status", "valid-hours", "text"};
    rules.commandLineOnly.insert(std::begin(oneShot), std::end(oneShot));
    // The benchmarks make their own scratch stores and take their own parameters (bench
    // fleet's --store is "sqlite or postgres", not the site's store).
    rules.untouched = {"bench"};
    return rules;
}

void installCentralConfig(CLI::App& app, CentralContext& context) {
    addConfigCheckCommand(app, centralConfigRules(), context.exitCode);
    installCommandLineConfig(app, context.global.configPath, centralConfigRules());
}

} // namespace doorpost::sync::central::cli
