#pragma once
// Verifies an audit export folder (docs/audit.md) on its own, without the kiosk or the server:
//   1. manifest.json parses, and its signature verifies against the trusted key: the key given
//      by the auditor (--device-key; the key the central registered at enrolment), or else the
//      key the manifest itself carries (which proves the files were not changed after signing,
//      but not by whom; the report says which key was trusted);
//   2. events.jsonl: each record's hash is recomputed with storage's eventHash(), each prev_hash
//      links to the record before, from the manifest's hash_before_first to its last_hash, with
//      consecutive seqs and the manifest's epoch and count;
//   3. events.csv is rebuilt from the records and compared byte for byte (the CSV holds nothing
//      the chain does not vouch for);
//   4. each file's SHA-256 and size match the manifest.
// The first problem found, in that order, is the one reported; records are named by line and
// seq, CSV rows by row number and seq.

#include "storage/base/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::storage::audit {

struct VerifyExportOptions {
    std::string dir;
    std::optional<std::string> trustedKeyHex; // 64 hex chars; nullopt: the manifest's key
};

struct VerifyExportReport {
    bool ok = false;
    std::string where; // first problem: "manifest.json", "events.jsonl line 7", "events.csv row 3"
    std::int64_t seq = 0;              // the record the first problem is about, 0 when none
    std::string problem;               // one line, the first problem
    std::vector<std::string> problems; // every problem found, first first (at most a few per file)

    std::string device;
    std::string epoch;
    std::int64_t firstSeq = 0;
    std::int64_t lastSeq = 0;
    std::int64_t count = 0;   // from the manifest
    std::int64_t records = 0; // records read from events.jsonl
    std::string lastHash;
    std::string createdAt;
    std::string trustedKey;       // the public key the signature was checked against
    std::string keySource;        // "device-key-file" or "manifest"
    bool signedByCentral = false; // a central export's door folder (manifest signed_by)
};

// BadInput when the folder does not exist or the trusted key is malformed; an unreadable file
// is an Environment fault. A tampered export is a report with ok == false, not an error.
Result<VerifyExportReport> verifyAuditExport(const VerifyExportOptions& options);

// Reads a public key file: 64 hex chars, surrounding whitespace ignored.
Result<std::string> readPublicKeyFile(const std::string& path);

} // namespace doorpost::storage::audit
