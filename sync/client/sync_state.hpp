#pragma once
// The kiosk's record of synchronisation, in its own tables of the kiosk database (the "sync state"
// migration in storage/migrations.cpp): how far the central acknowledged each epoch's chain,
// records quarantined after a 4xx, the central's findings, and the sets pulled with their
// cursors. Every change that must stay consistent (an acknowledgement and its findings; a set
// page and its cursor) is one transaction.
//
// Threads: a SyncState borrows one storage::Database and is used by the thread owning it (the
// sync worker). The gate and the UI read these tables through their own connections.

#include "storage/base/result.hpp"
#include "storage/database.hpp"
#include "sync/protocol.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace doorpost::sync::client {

struct PushPosition {
    std::int64_t ackedThrough = 0;
    std::string headHash;
    std::int64_t lastSyncMs = 0;
    std::int64_t clockOffsetMs = 0;
};

struct SetCursor {
    std::int64_t cursor = 0;
    std::int64_t snapshotAfter = 0; // > 0: a snapshot is half applied; continue after this
    std::int64_t snapshotBase = 0;
    std::string validUntil;
    std::int64_t items = 0;
};

class SyncState {
public:
    explicit SyncState(storage::Database& db) : m_db(db) {}

    Result<PushPosition> position(const std::string& epoch);
    // Records the central's answer: acked prefix, clock offset and findings, in one transaction.
    Result<void> recordAck(const std::string& epoch, const PushResponse& response,
                           std::int64_t clockOffsetMs, std::int64_t nowMs);
    // Remembers that the central refused record `seq` with `status`; it travels as a stub.
    Result<void> quarantine(const std::string& epoch, std::int64_t seq, long status,
                            const std::string& reason, std::int64_t nowMs);
    Result<std::map<std::int64_t, std::string>> quarantined(const std::string& epoch,
                                                            std::int64_t from, std::int64_t to);
    Result<std::int64_t> quarantineCount(const std::string& epoch);
    Result<std::int64_t> findingCount();

    Result<SetCursor> setCursor(const std::string& set);
    // Applies one verified page and moves the set's cursor, in one transaction. A snapshot page
    // replaces the whole set. The same transaction updates what the gate reads (roster, deny
    // list, keys: set_apply.hpp).
    Result<void> applySetPage(const SetPage& page, std::int64_t nowMs);
    Result<std::optional<nlohmann::json>> setItem(const std::string& set, const std::string& key);

    // The central's set-signing public key (hex) pinned at enrolment, and the device name.
    Result<std::optional<std::string>> setKey();
    Result<void> setSetKey(const std::string& keyHex);

private:
    storage::Database& m_db;
};

} // namespace doorpost::sync::client
