#include "kiosk/cli/config_setup.hpp"

#include "kiosk/cli/output.hpp"
#include "kiosk/policy/site_profile.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace doorpost::kiosk::cli {

ConfigRules kioskConfigRules() {
    ConfigRules rules;
    rules.program = "doorpost";
    rules.secrets = {{"token", "DOORPOST_SYNC_TOKEN"},
                     {"staff-pin-hash", "DOORPOST_STAFF_PIN_HASH"},
                     {"auditor-pin-hash", "DOORPOST_AUDITOR_PIN_HASH"}};
    // What one invocation does rather than how the station is set up: output form, headless
    // runs, demo PINs, each command's own inputs, and the benchmarks' parameters.
    const char* const oneShot[] = {
        // the command line itself, and how one run speaks
        "config", "help", "version", "json",
        // headless and demo runs of `run`, one round of `sync`
        "headless", "frames", "screenshot", "script", "demo-pin", "demo-auditor-pin", "once",
        // the inputs of status, scan, register, export, trust, roster, verify-export, decode
        "full", "at", "text", "id", "id-type", "operator", "reason", "from", "to", "out", "source",
        "valid-until", "device-key", "formats", "budget-ms",
        // the benchmarks' parameters
        "block", "corpus", "count", "dir", "events", "idle-ms", "keep", "lookups", "reads",
        "samples", "status-runs"};
    rules.commandLineOnly.insert(std::begin(oneShot), std::end(oneShot));
    rules.tables = {"profiles"};
    return rules;
}

namespace {

Result<std::string> readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return badInput("config: cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int checkConfig(CLI::App& root, const std::string& path, bool json) {
    auto text = readText(path);
    if (!text) {
        return fail(text.error());
    }
    auto file = parseConfigText(*text, path);
    if (!file) {
        return fail(file.error());
    }
    if (auto checked = checkConfigFile(root, *file, kioskConfigRules()); !checked) {
        return fail(checked.error());
    }
    if (auto profiles = policy::checkSiteProfiles(*text); !profiles) {
        return fail(badInput(path + ": " + profiles.error().message));
    }
    if (json) {
        printJsonLine({{"file", path}, {"ok", true}, {"keys", file->values.size()}});
    } else {
        std::cout << path << ": ok (" << file->values.size() << " keys)\n";
    }
    return kExitOk;
}

} // namespace

void installKioskConfig(CLI::App& app, CommandContext& context) {
    CLI::App* config =
        app.add_subcommand("config", "The configuration file (/etc/doorpost/*.toml)");
    config->require_subcommand(1);
    CLI::App* check = config->add_subcommand(
        "check", "Check a configuration file: every key an option, every value valid; a bad one "
                 "is named with its line (exit 2)");
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    check->add_option("FILE", *path, "The file, e.g. /etc/doorpost/kiosk.toml")->required();
    check->add_flag("--json", *json, "Print one JSON object");
    check->callback(
        [&app, &context, path, json] { context.exitCode = checkConfig(app, *path, *json); });
    installCommandLineConfig(app, context.global.configPath, kioskConfigRules());
}

} // namespace doorpost::kiosk::cli
