#pragma once
// Pulled sets become the reference data the gate decides with: the "roster" set fills the
// roster (storage/roster_store.hpp), "denylist" the deny list and "keys" the trusted keys
// (storage/trust_store.hpp). SyncState::applySetPage calls this inside the transaction that
// stores the page and moves its cursor, so a door sees the old set or the new one, never half.
//
// Item formats (the central publishes them; a malformed item is skipped, not guessed at):
//   roster    key: candidate number; {name, subject_key (hex), masked_id, session, room, seat}
//   denylist  key: pass id; any object (reason, revoked_at_ms)
//   keys      key: any; {kind: "pass_key" | "seal_key" | "dsc", public_key (hex; "der" for a
//             dsc), label}
//   site      key: device id; {site, device_key (hex Ed25519), address ("host:port" or "")}:
//             the doors of the deployment and their sites (docs/mesh.md), into site_doors
// A snapshot spanning several pages is applied when its last page arrives; until then the gate
// keeps the previous set. Rows the kiosk got elsewhere (`doorpost trust add-key`, `trust deny`)
// keep their own source and are not touched by a set, except the roster, which a synced
// snapshot replaces whole (a site has one roster).
//
// Threads: runs on the sync worker's connection. A running gate caches keys and the deny list
// in memory (kiosk/gate/trust_loader.hpp); every change here bumps the trust generation
// (storage/trust_generation.hpp) in the same transaction, and the gate reloads when it moves.

#include "storage/base/result.hpp"
#include "storage/database.hpp"
#include "sync/protocol.hpp"

#include <cstdint>
#include <string_view>

namespace doorpost::sync::client {

// A set the central publishes without a valid-until is relied on this long after the fetch.
inline constexpr std::int64_t kDefaultSetValiditySeconds = 30 * 24 * 3600;

// Must run inside the caller's write transaction, after the page's items are in sync_set_items.
Result<void> applyToReferenceData(storage::Database& db, const SetPage& page, std::int64_t nowMs);

} // namespace doorpost::sync::client
