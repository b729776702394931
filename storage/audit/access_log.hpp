#pragma once
// The central's unmasking access log (docs/audit.md "The access log"): one entry per export
// that opened sealed ID numbers, appended before the export is put in place, hash-chained like
// the event log so an entry removed, edited or inserted breaks the chain at that entry:
//
//   hash = SHA-256("doorpost-access-v1" || be64(seq) || be64(at_ms) || lp(auditor) || lp(from)
//                  || lp(to) || lp(doors) || be64(opened) || lp(reason) || lp(seal_kids)
//                  || lp(export_created_at) || prev_hash (32 raw bytes, zeros before seq 1))
//
// lp(s) = 4-byte big-endian length then the UTF-8 bytes, as in docs/event-log.md.
// It lives here, beside the export formats, because `doorpost verify-export` (which links no
// central code) verifies an exported access log as it verifies an export.
//
// An exported access log is a folder: access-log.jsonl (one entry per line, fields as below)
// and manifest.json {"format": "doorpost-access-log-v1", "central_key", "count", "last_seq",
// "last_hash", "files": {"access-log.jsonl": {sha256, bytes}}, "created_at", "signature"},
// signed with the central's key like a central export's manifest.

#include "storage/base/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::storage::audit {

inline constexpr std::string_view kAccessLogFormat = "doorpost-access-log-v1";
inline constexpr std::string_view kAccessLogFile = "access-log.jsonl";

struct AccessEntry {
    std::int64_t seq = 0;
    std::int64_t atMs = 0; // the central's clock when the export opened the boxes
    std::string auditor;   // who asked (--auditor, else the OS user)
    std::string from;      // the period, ISO UTC
    std::string to;
    std::string doors;           // the --device asked for, or "*" for every door
    std::int64_t opened = 0;     // how many sealed ID numbers were opened
    std::string reason;          // --reason, as given
    std::string sealKids;        // the sealing keys used, comma-separated
    std::string exportCreatedAt; // the export's created_at (its manifest names this entry)
    std::string prevHash;        // 64 hex
    std::string hash;            // 64 hex
};

std::string accessEntryHash(const AccessEntry& entry);
std::string accessEntryToJsonLine(const AccessEntry& entry); // without the newline
Result<AccessEntry> accessEntryFromJsonLine(std::string_view line);

// Recomputes every hash and link of `entries` (seq 1.. or a later start with its prev_hash):
// the first entry that does not fit, or nullopt when the chain holds.
struct AccessChainProblem {
    std::int64_t index = 0; // position in `entries`
    std::string problem;
};
std::optional<AccessChainProblem> checkAccessChain(const std::vector<AccessEntry>& entries);

// Writes an exported access log into `outDir` (must not exist or be empty), all or nothing.
Result<void> writeAccessLogExport(const std::string& outDir,
                                  const std::vector<AccessEntry>& entries,
                                  const std::string& centralSecretKey /* 64 bytes */);

struct AccessLogReport {
    bool ok = false;
    std::string problem; // the first, "where: what"
    std::vector<std::string> problems;
    std::int64_t count = 0;
    std::string lastHash;
    std::string trustedKey;
    std::string keySource; // "central-key-file" or "manifest"
};
// BadInput for a folder that is not an exported access log.
Result<AccessLogReport> verifyAccessLogExport(const std::string& dir,
                                              const std::optional<std::string>& trustedKeyHex);

} // namespace doorpost::storage::audit
