#pragma once
// Schema migrations: an ordered list, applied in order, each in its own transaction.
// PRAGMA user_version counts how many are applied. The table schema_migrations also records each
// applied migration's name, so a database made by a different list (two branches that both added
// "migration 3") is refused instead of silently mis-migrated.
//
// To add tables for your module (trust data, roster, sync state, export): append ONE entry at the
// end of kMigrations in storage/migrations.cpp. Never edit or reorder an entry that has shipped.

#include "storage/base/result.hpp"

#include <span>
#include <sqlite3.h>

namespace doorpost::storage {

struct Migration {
    const char* name; // unique, stable, e.g. "trust-data tables"
    const char* sql;  // one or more statements, run inside a transaction
};

// The project's migrations, oldest first.
std::span<const Migration> migrations();

// Brings `db` from its user_version up to `target` migrations of `list` (all of them by default).
// Fails (leaving the database at its last good version) when a migration fails, when the database
// is newer than the list, or when an applied migration's name does not match the list.
Result<void> applyMigrations(sqlite3* db, std::span<const Migration> list, int target = -1);

} // namespace doorpost::storage
