#pragma once
// The mesh as the database shows it, for `doorpost status --json` (another process than the
// running door, so it cannot ask the live Mesh): the peers the site set names and, for each,
// how old the newest peer data held is. A puller writes a chain's head when it stores records
// and confirms it current every PullerOptions::touchEvery, so a peer whose data is younger than
// `freshMs` was answering a moment ago.

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::sync::peer {

struct StoredPeer {
    std::string device;
    std::string address;
    std::string epoch;       // the chain held (the most recently updated), empty when none
    std::int64_t seq = 0;    // how far it is held
    std::int64_t ageMs = -1; // now - its last update; -1 when nothing is held
};

struct StoredMesh {
    int known = 0;
    int fresh = 0;                 // peers whose data is younger than freshMs
    std::int64_t oldestAgeMs = -1; // among peers with data; -1 when none
    std::vector<StoredPeer> peers;
};

// `ownDevice`: this door's id (EventLog status().deviceId).
Result<StoredMesh> readStoredMesh(storage::Database& db, const std::string& ownDevice,
                                  std::int64_t nowMs, std::int64_t freshMs = 15000);

} // namespace doorpost::sync::peer
