#pragma once
// A counter in meta that moves with every change to what the gate decides with: trusted keys,
// the deny list, the roster. It moves in the change's own transaction, whoever makes it (the
// sync worker applying a pulled set, staff running `doorpost trust` or `roster import`), and a
// running gate reads it once per decision and reloads when it moved (kiosk/gate/gate.cpp).

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <functional>
#include <string_view>

namespace doorpost::storage {

inline constexpr std::string_view kTrustGenerationKey = "trust_generation";

// Adds one to the counter. Inside the caller's write transaction when there is one.
Result<void> bumpTrustGeneration(Database& db);

// Runs `change` and the bump in one transaction: the caller's, if one is open, or its own.
Result<void> changeTrustData(Database& db, const std::function<Result<void>()>& change);

} // namespace doorpost::storage
