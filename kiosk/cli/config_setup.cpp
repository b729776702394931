#include "kiosk/cli/config_setup.hpp"

#include "kiosk/policy/site_profile.hpp"

#include <iterator>

namespace doorpost::kiosk::cli {

ConfigRules kioskConfigRules() {
    ConfigRules rules;
    rules.program = "doorpost";
    rules.shippedFile = "/etc/doorpost/kiosk.toml";
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

void installKioskConfig(CLI::App& app, CommandContext& context) {
    addConfigCheckCommand(app, kioskConfigRules(), context.exitCode,
                          [](const std::string& path, std::string_view text) -> Result<void> {
                              if (auto profiles = policy::checkSiteProfiles(text); !profiles) {
                                  return badInput(path + ": " + profiles.error().message);
                              }
                              return {};
                          });
    installCommandLineConfig(app, context.global.configPath, kioskConfigRules());
}

} // namespace doorpost::kiosk::cli
