#pragma once
// The central's auditor export (docs/audit.md "The central's export") and its verification.
//
//   DIR/manifest.json                    format doorpost-central-export-v1, signed by the
//                                        central's key (signed_folder.hpp)
//   DIR/doors/<device>/<epoch>/          one folder per door and epoch in the period, each a
//       events.jsonl, events.csv,        kiosk export in every byte (format.hpp), its
//       manifest.json                    manifest signed by the central (signed_by)
//   DIR/events.xlsx, DIR/report.html     every door's events (views.hpp)
//   DIR/unmasked_ids.csv                 only with --unmask: seq by seq, the numbers opened
//
// manifest.json: {"format", "central_key", "from", "to", "device_filter", "created_at",
//   "unmasked", "reason", "auditor", "access_log_seq", "access_log_hash",
//   "doors": [{"path", "device", "epoch", "first_seq", "last_seq", "count", "last_hash",
//              "manifest": {"sha256", "bytes"}}],
//   "files": {name: {"sha256", "bytes"}}, "signature"}
//
// Verification: the manifest's signature (against --central-key, else its own central_key,
// and says so); every door folder exactly as a kiosk export is verified (chain, CSV rebuilt,
// file hashes), its manifest signed by the same central key and fingerprinted here; every
// other file's hash; every row of unmasked_ids.csv names a manual registration of a listed
// chain whose masked ID the number fits; and no file in the folder that is not listed.

#include "storage/base/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::storage::audit {

inline constexpr std::string_view kCentralExportFormat = "doorpost-central-export-v1";
inline constexpr std::string_view kUnmaskedIdsFile = "unmasked_ids.csv";

// "kiosk", "central", "access-log", or "" when DIR/manifest.json names none of them.
std::string exportKind(const std::string& dir);

// The unmasked_ids.csv header line (with CRLF, BOM not included).
std::string unmaskedIdsHeader();

// Whether a full ID number fits the masked ID an event recorded (today's mask, or the first
// and last four an older kiosk showed).
bool idFitsMask(std::string_view idNumber, std::string_view masked);

struct CentralDoorReport {
    std::string path;
    std::string device;
    std::string epoch;
    std::int64_t count = 0;
    bool ok = false;
};

struct CentralVerifyReport {
    bool ok = false;
    std::string problem;
    std::vector<std::string> problems;
    std::vector<CentralDoorReport> doors;
    std::int64_t events = 0;
    bool unmasked = false;
    std::int64_t unmaskedRows = 0;
    std::int64_t accessLogSeq = 0;
    std::string from;
    std::string to;
    std::string createdAt;
    std::string trustedKey;
    std::string keySource; // "central-key-file" or "manifest"
};

Result<CentralVerifyReport> verifyCentralExport(const std::string& dir,
                                                const std::optional<std::string>& trustedKeyHex);

} // namespace doorpost::storage::audit
