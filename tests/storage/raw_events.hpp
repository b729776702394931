#pragma once
// Events written straight into a database held at an earlier schema version, as an older build
// would have left them (placeholder ids and hashes, no chain): the input of migration tests.

#include "storage/migrations.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <sqlite3.h>
#include <string>

namespace doorpost::storage::test {

// What a raw event varies by; every other column is a fixed placeholder.
struct RawEvent {
    std::int64_t wallMs = 1;
    std::string subjectKey = "subj";
    std::string verdict = "admit";
};

// Brings `path` to schema `version` and writes seqs 1..count, `eventAt(seq)` each, in one
// transaction.
inline void writeRawEvents(const std::string& path, int version, std::int64_t count,
                           const std::function<RawEvent(std::int64_t seq)>& eventAt) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(applyMigrations(raw, migrations(), version));
    REQUIRE(sqlite3_exec(raw, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
    for (std::int64_t seq = 1; seq <= count; ++seq) {
        const RawEvent event = eventAt(seq);
        const std::string insert =
            "INSERT INTO events VALUES (" + std::to_string(seq) + ", 'id', 'ep', 'dev', " +
            std::to_string(event.wallMs) + ", 7, 'boot', 'scan', 'dp1', '" + event.subjectKey +
            "', 'mask', '" + event.verdict + "', '', 'op', '{}', 'prev', 'hash')";
        REQUIRE(sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    REQUIRE(sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
}

} // namespace doorpost::storage::test
