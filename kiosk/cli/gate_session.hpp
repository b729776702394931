#pragma once
// What the credential commands (scan, register, trust, roster, bench verify) share: opening
// the kiosk database and the site profile the config selects, and the JSON shape of a verdict.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/gate/gate.hpp"
#include "storage/database.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace doorpost::kiosk::cli {

Result<storage::Database> openKioskDatabase(const GlobalOptions& global);
// The site profile `profile` names (a built-in one or a [profiles.NAME] of --config), else the one
// the --config file selects, else `exam`.
Result<gate::GateConfig> loadGateConfig(const GlobalOptions& global, std::string_view profile = {});

// The kiosk database and a gate over it with the configured profile, for one command. The gate
// keeps a pointer to the database, so the two live together and the database never moves.
struct GateSession {
    std::unique_ptr<storage::Database> db;
    std::optional<gate::Gate> gate;
};
Result<std::unique_ptr<GateSession>> openGateSession(const GlobalOptions& global);

// {"read", "credential", "verdict", "reasons", "reason_text", "seq", "checks", ...}
nlohmann::json verdictJson(const gate::GateResult& result);

// --at / --valid-until: ISO 8601 to seconds, the error naming the option.
Result<std::optional<std::int64_t>> parseClockOption(const std::string& option,
                                                     const std::string& value);

} // namespace doorpost::kiosk::cli
