#pragma once
// The exam site's roster: who may come in (candidate number, name, ID as subject key and
// masked ID, session, room, seat), with the roster's source, fetch time and valid-until.
// The full ID number is never stored: the kiosk hashes it at import (salted subject key).
// A roster is replaced whole, in one transaction: a door never sees half of two rosters.
//
// Threads: borrows one Database (one connection), used by the thread that owns it.

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::storage {

struct RosterEntry {
    std::string candidateNumber;
    std::string name;
    std::string subjectKey; // hex
    std::string maskedId;
    std::string session;
    std::string room;
    std::string seat;
};

struct RosterInfo {
    std::int64_t count = 0;
    std::string source;
    std::int64_t fetchedAt = 0;
    std::int64_t validUntil = 0;
};

class RosterStore {
public:
    explicit RosterStore(Database& db) : m_db(&db) {}

    Result<void> replace(const std::vector<RosterEntry>& entries, const RosterInfo& info);
    Result<std::optional<RosterEntry>> byCandidate(std::string_view candidateNumber);
    Result<std::optional<RosterEntry>> bySubject(std::string_view subjectKey);
    // nullopt: no roster was ever imported.
    Result<std::optional<RosterInfo>> info();

private:
    Result<std::optional<RosterEntry>> one(const char* sql, std::string_view key);
    Database* m_db;
};

} // namespace doorpost::storage
