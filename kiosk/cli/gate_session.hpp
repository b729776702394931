#pragma once
// What the credential commands (scan, register, trust, roster, bench verify) share: opening
// the kiosk database and the site profile the config selects, and the JSON shape of a verdict.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/gate/gate.hpp"
#include "storage/database.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace doorpost::kiosk::cli {

Result<storage::Database> openKioskDatabase(const GlobalOptions& global);
// The site profile `profile` names (a built-in one or a [profiles.NAME] of --config), else the one
// the --config file selects, else `exam`.
Result<gate::GateConfig> loadGateConfig(const GlobalOptions& global, std::string_view profile = {});

// {"read", "credential", "verdict", "reasons", "reason_text", "seq", "checks", ...}
nlohmann::json verdictJson(const gate::GateResult& result);

// --at / --valid-until: ISO 8601 to seconds, the error naming the option.
Result<std::optional<std::int64_t>> parseClockOption(const std::string& option,
                                                     const std::string& value);

} // namespace doorpost::kiosk::cli
