#pragma once
// What every doorpost-central subcommand shares: opening the store the global options name, and
// the command-line contract's output, one-line errors and exit codes (storage/base/command_line).

#include "storage/base/command_line.hpp"
#include "sync/central/central_store.hpp"
#include "sync/central/cli/command_registry.hpp"

#include <memory>

namespace doorpost::sync::central::cli {

// The store: --store (a SQLite path or a postgresql:// URL), else <data-dir>/central.db.
Result<std::unique_ptr<CentralStore>> openStore(const CentralContext& context);

// A principal as `devices list --json` and `stats --json` show it (cmd_devices.cpp).
nlohmann::json doorJson(const DoorView& door, std::int64_t nowMs, std::int64_t quietAfterS);

inline int fail(const Error& error) {
    return reportError("doorpost-central", error);
}

} // namespace doorpost::sync::central::cli
