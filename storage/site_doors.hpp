#pragma once
// The doors of one site, as the central published them in the signed "site" set (docs/mesh.md):
// a door serves its own chain only to these doors and pulls theirs, and checks every answer
// against the public key the central enrolled for that door. A door the central never enrolled
// is no peer, whatever it says about itself.
//
// Threads: each call takes a Database (one connection, one thread).

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace doorpost::storage {

struct SiteDoor {
    std::string device;    // the device id the central gave at enrolment
    std::string site;      // the site it belongs to
    std::string deviceKey; // its enrolment Ed25519 public key, 64 lowercase hex
    std::string address;   // where it serves its peers ("host:port"), or empty when unpublished
};

// Replaces the whole table (the "site" set is applied as a snapshot of live items). Must run
// inside the caller's write transaction.
Result<void> replaceSiteDoors(Database& db, const std::vector<SiteDoor>& doors);

// Every door the central published, by device id.
Result<std::vector<SiteDoor>> readSiteDoors(Database& db);

// The doors of `device`'s site other than itself: its peers. Empty when the device is not in
// the set (not enrolled, or no site published).
Result<std::vector<SiteDoor>> readPeersOf(Database& db, const std::string& device);

} // namespace doorpost::storage
