#pragma once
// What the kiosk database and the running system know about the true time (docs/clock.md):
// the boot the kiosk runs in, its clocks, the anchors it recorded (the central's Date header at
// a sync, a staff member setting the time) and the latest wall times it wrote. The rules that
// turn this into a clock state are kiosk/policy/clock_rules; storage only keeps and reads.
//
// Threads: like every storage module, these functions use the caller's connection on the
// caller's thread; the sync worker records anchors through its own connection.

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace doorpost::storage {

// /proc/sys/kernel/random/boot_id, or "unknown". Tests only: DOORPOST_BOOT_ID_FILE names a file
// read instead, so a test can play a reboot without one (docs/clock.md).
std::string currentBootId();
// CLOCK_BOOTTIME in ms: monotonic, counts suspend, immune to steps of the wall clock; it starts
// again at every boot, which is why an anchor is only used within the boot it was taken in.
std::int64_t boottimeMs();
std::int64_t realtimeMs();
std::int64_t monotonicMs(); // CLOCK_MONOTONIC, which the event log records beside the wall time

enum class AnchorSource { Sync, Staff };
std::string_view toString(AnchorSource source); // "sync", "staff"

// A moment whose true time the kiosk learnt from outside its own clock.
struct ClockAnchor {
    AnchorSource source = AnchorSource::Sync;
    std::string bootId;
    std::int64_t boottimeMs = 0;  // CLOCK_BOOTTIME at that moment
    std::int64_t wallMs = 0;      // the kiosk's wall clock at that moment
    std::int64_t referenceMs = 0; // the true time at that moment (central's Date, staff's word)
};

Result<void> recordClockAnchor(Database& db, const ClockAnchor& anchor);
// The newest anchor taken in boot `bootId`, if any.
Result<std::optional<ClockAnchor>> latestAnchorInBoot(Database& db, const std::string& bootId);
// The latest true time any anchor (of any boot) vouched for, or 0.
Result<std::int64_t> latestAnchorReferenceMs(Database& db);
// The latest wall time in the event log (the block summaries, then the block still filling),
// or 0 when the log is empty.
Result<std::int64_t> latestEventWallMs(Database& db);
// The latest time the kiosk wrote when it applied trust data or a roster, in ms, or 0.
Result<std::int64_t> latestTrustFetchMs(Database& db);

} // namespace doorpost::storage
