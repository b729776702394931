#pragma once
// How far each step of a credential's verification got, as JSON: the event's detail (what the
// auditors read) and `doorpost scan --json` (what an installer reads) write the same object.
// A step that was never reached is null.

#include "kiosk/credentials/credential.hpp"

#include <nlohmann/json.hpp>

namespace doorpost::kiosk::gate {

nlohmann::json checksJson(const credentials::Checks& checks);

} // namespace doorpost::kiosk::gate
