#pragma once
// What the credential commands (scan, register, trust, roster, bench verify) share: opening
// the kiosk database and the site profile the config selects, and the JSON shape of a verdict.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/gate/gate.hpp"
#include "storage/database.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace doorpost::kiosk::cli {

Result<storage::Database> openKioskDatabase(const GlobalOptions& global);
Result<gate::GateConfig> loadGateConfig(const GlobalOptions& global);

// {"read", "credential", "verdict", "reasons", "reason_text", "seq", "checks", ...}
nlohmann::json verdictJson(const gate::GateResult& result);

// --at / --valid-until: ISO 8601 to seconds, the error naming the option.
Result<std::optional<std::int64_t>> parseClockOption(const std::string& option,
                                                     const std::string& value);

} // namespace doorpost::kiosk::cli
