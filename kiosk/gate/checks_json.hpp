#pragma once
// How far each step of a credential's verification got, as JSON: the event's detail (what the
// auditors read) and `doorpost scan --json` (what an installer reads) write the same object.
// A step that was never reached is null.

#include "kiosk/credentials/credential.hpp"
#include "kiosk/policy/decision.hpp"

#include <nlohmann/json.hpp>

namespace doorpost::kiosk::gate {

nlohmann::json checksJson(const credentials::Checks& checks);

// The earlier admission a REFER already_admitted / peer_already_admitted rests on: when and at
// which door, and for a peer's, the record of its chain (in the event's detail and `scan --json`).
nlohmann::json alreadyAdmittedJson(const policy::PriorAdmission& prior);

} // namespace doorpost::kiosk::gate
