#pragma once
// The baseline `doorpost bench sync` compares the sync path with: the same rows loaded into
// PostgreSQL with a plain COPY (no HTTP, no JSON, no checks), or into SQLite with a plain
// multi-row INSERT when no PostgreSQL is given. Rows are the central's event columns.

#include "storage/base/result.hpp"
#include "sync/protocol.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::sync::central::cli {

// Seconds a COPY of `events` into a fresh table took.
Result<double> postgresCopySeconds(const std::string& url, const std::string& epoch,
                                   const std::vector<WireEvent>& events);
// Seconds a plain INSERT of `events` into a fresh SQLite table (one transaction) took.
Result<double> sqliteInsertSeconds(const std::string& path, const std::string& epoch,
                                   const std::vector<WireEvent>& events);

// Creates a throwaway database on a PostgreSQL server and returns its URL; dropDatabase removes it.
Result<std::string> createScratchDatabase(const std::string& serverUrl, const std::string& name);
void dropScratchDatabase(const std::string& serverUrl, const std::string& name);

} // namespace doorpost::sync::central::cli
