#pragma once
// The event record of DESIGN.md "Local data", and the hash chain that makes it tamper-evident.
//
// The gate hands the log an EventDraft (what it decided and why); the log adds what only it can
// know (seq, event id, epoch, device id, clocks, boot id, prev_hash, hash) and stores an Event.
// canonical() and eventHash() are specified byte for byte in docs/event-log.md, because the
// export verifier and the central service recompute them.

#include "storage/base/hex.hpp"
#include "storage/base/result.hpp"
#include "storage/base/verdict.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::storage {

enum class EventKind { Scan, Manual, Operator, System };

std::string_view toString(EventKind kind); // "scan", "manual", "operator", "system"
std::optional<EventKind> parseEventKind(std::string_view text);

// What the caller (the gate, an operator action, the system) provides.
struct EventDraft {
    EventKind kind = EventKind::Scan;
    std::string credentialType; // "dp1", "hc1", "ticket", "id", "passport", "unrecognised", ...
    std::string subjectKey;     // salted hash of the normalised ID number (hex), or empty
    std::string maskedId;       // for display, e.g. "1101**********1234"
    Verdict verdict = Verdict::None;
    std::vector<std::string> reasons; // machine reason codes, [a-z0-9_.-]+ each
    std::string operatorId;           // staff member on duty, or empty
    // A JSON object (text) for everything else: raw code content, sealed full ID, name,
    // room/seat. It is covered by the hash exactly as given, byte for byte.
    std::string detail = "{}";
    // Clocks: when absent the log reads them at append (CLOCK_REALTIME / CLOCK_MONOTONIC).
    std::optional<std::int64_t> wallTimeMs;
    std::optional<std::int64_t> monotonicMs;
};

using Hash = std::array<std::uint8_t, 32>;

// A stored event. Hashes and ids are lowercase hex.
struct Event {
    std::int64_t seq = 0;
    std::string eventId;          // 32 hex chars, random
    std::string epoch;            // 32 hex chars, the database's epoch
    std::string deviceId;         // "dev-xxxxxxxx" until enrolment sets it
    std::int64_t wallTimeMs = 0;  // device wall clock, ms since 1970-01-01 UTC
    std::int64_t monotonicMs = 0; // CLOCK_MONOTONIC, ms since boot (ordering within a boot)
    std::string bootId;           // /proc/sys/kernel/random/boot_id
    EventKind kind = EventKind::Scan;
    std::string credentialType;
    std::string subjectKey;
    std::string maskedId;
    Verdict verdict = Verdict::None;
    std::vector<std::string> reasons;
    std::string operatorId;
    std::string detail;
    std::string prevHash; // 64 hex chars; all zeros before seq 1
    std::string hash;     // 64 hex chars
};

inline constexpr std::string_view kZeroHashHex =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Checks a draft before it is stored: reason codes, detail being a JSON object, no NUL bytes.
Result<void> validateDraft(const EventDraft& draft);

// The canonical byte encoding of an event's content (docs/event-log.md), without seq,
// epoch, device id and hashes, which eventHash() adds around it.
std::string canonical(const Event& event);

// SHA-256("doorpost-log-v1" || lp(device_id) || lp(epoch) || be64(seq) || canonical(event)
//         || prev_hash (32 raw bytes)), as lowercase hex. Empty when prevHash is not valid hex (or
//         OpenSSL has no SHA-256, which no build here lacks).
std::string eventHash(const Event& event);

// Reason codes are stored joined by ',' (codes cannot contain it).
std::string joinReasons(const std::vector<std::string>& reasons);
std::vector<std::string> splitReasons(std::string_view joined);

// Random bytes from libsodium, as lowercase hex (2 * bytes characters).
std::string randomHex(std::size_t bytes);

} // namespace doorpost::storage
