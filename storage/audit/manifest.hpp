#pragma once
// manifest.json of an audit export (docs/audit.md): what the export claims about itself, signed
// with the device's Ed25519 key. The signature covers
//     format || "\n" || the manifest without "signature", as compact JSON with keys
//                                    sorted (Python: json.dumps(m, sort_keys=True,
//                                    separators=(",", ":"), ensure_ascii=False))
// (format: "doorpost-audit-export-v2", or "-v1" in an export from before the CSV's clock
// columns) so the verifier rebuilds the signed bytes from the parsed fields; unknown fields are
// refused (they would not be covered).

#include "storage/base/result.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace doorpost::storage::audit {

struct ExportedFile {
    std::string sha256; // lowercase hex
    std::int64_t bytes = 0;
};

struct Manifest {
    std::string format; // kExportFormat, or kExportFormatV1 read from an older export
    std::string device; // the device id at export time
    std::string devicePublicKey;
    std::string epoch;
    std::string from; // the period asked for, ISO 8601 UTC, [from, to)
    std::string to;
    std::int64_t firstSeq = 0;
    std::int64_t lastSeq = 0;
    std::int64_t count = 0;
    std::string hashBeforeFirst; // prev_hash of the first event (64 zeros when it is seq 1)
    std::string lastHash;
    ExportedFile csv;
    ExportedFile jsonl;
    // Files beyond the two above (events.xlsx, report.html; docs/audit.md), by name. An older
    // export has none; every file the verifier finds listed here must be there as listed.
    std::map<std::string, ExportedFile> extraFiles;
    // In a central export's door folder: the central's public key, which signed this manifest
    // (the central holds no device's key); devicePublicKey then names the key the central
    // registered for the device. Empty (absent from the JSON) in a kiosk's export.
    std::string signedBy;
    std::string createdAt;
    std::string signature; // 128 hex chars
};

std::string manifestSignedBytes(const Manifest& manifest);
// The manifest.json text, pretty-printed for people, signature included.
std::string manifestToText(const Manifest& manifest);
// Fails (BadInput, naming the field) when a field is missing, mistyped or unknown.
Result<Manifest> manifestFromText(const std::string& text);

} // namespace doorpost::storage::audit
