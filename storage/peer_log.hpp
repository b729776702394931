#pragma once
// Peers' events, kept apart from the door's own chain (docs/mesh.md). A peer's chain is stored
// only as a chain: every record must be the successor of the held head of its (device, epoch)
// (seq one more, prev_hash its hash) and its hash must be the one recomputed from its content,
// so a peer can add to what the door holds of it but never rewrite it. Records already held are
// idempotent by (device, epoch, seq), like the central's ingest: sent again with the same hash
// they are counted as duplicates; with another hash the whole batch is refused as a fork.
//
// Threads: a PeerLog borrows one Database (one connection) and is used by one thread at a time.
// The mesh's pullers write through their own connection; the gate reads through its own.
// accept() runs in one BEGIN IMMEDIATE transaction: all of a batch or none of it.

#include "storage/base/result.hpp"
#include "storage/database.hpp"
#include "storage/event.hpp"
#include "storage/statement.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::storage {

struct PeerHead {
    std::string device;
    std::string epoch;
    std::int64_t seq = 0;
    std::string hash;           // kZeroHashHex before the first record
    std::int64_t updatedMs = 0; // wall time this door last stored or confirmed it
};

// One record as received: the event rebuilt from the wire, and the wire record's text, kept so
// that what was received can be shown and checked again.
struct PeerRecord {
    Event event;
    std::string record;
};

struct PeerBatchResult {
    std::int64_t stored = 0;     // new records
    std::int64_t duplicates = 0; // records already held with the same hash
    PeerHead head;               // the held head after the batch
};

// A peer's admission of a subject: what the duplicate rule needs to name the door and the time
// (the gate reads both from the detail as it does for its own admissions).
struct PeerAdmission {
    std::string device;
    std::int64_t seq = 0;
    std::int64_t wallTimeMs = 0;
    std::string detail;
};

class PeerLog {
public:
    static Result<PeerLog> open(Database& db);

    // Stores `records` of the chain (device, epoch), ascending seq. Each record's event must
    // carry that epoch and that device id (or the "dev-" id a door has before enrolment). A
    // record that does not link, whose hash is not its content's, or that contradicts a held
    // record refuses the whole batch (BadInput naming the seq and why), storing nothing.
    Result<PeerBatchResult> accept(const std::string& device, const std::string& epoch,
                                   const std::vector<PeerRecord>& records);
    // Marks the chain as confirmed current now (a pull that found nothing new): its age resets.
    Result<void> touch(const std::string& device, const std::string& epoch);

    // The held head of (device, epoch); nullopt when nothing of it is held.
    Result<std::optional<PeerHead>> head(const std::string& device, const std::string& epoch);
    // Every held chain's head.
    Result<std::vector<PeerHead>> heads();

    // The newest admission of `subjectKey` recorded by any peer.
    Result<std::optional<PeerAdmission>> lastAdmission(const std::string& subjectKey);

private:
    PeerLog() = default;
    Database* m_db = nullptr;
};

} // namespace doorpost::storage
