#pragma once
// Writes an audit export (docs/audit.md) of the events recorded in a period: events.csv,
// events.jsonl and a signed manifest.json, into a new folder.
//
// Threads and processes: the export opens its own connection and reads everything inside ONE
// read transaction, so under WAL it sees one committed snapshot while the gate keeps appending
// on its own connection: events committed after the snapshot began are simply not in this
// export. Only the device key's first creation writes (before the snapshot, its own
// transaction).
//
// All or nothing: the files are written into "<out>.partial-XXXXXX" beside --out, each fsynced,
// and the folder is renamed to --out only when complete. On any failure the partial folder is
// removed; --out is never half-written.

#include "storage/base/result.hpp"

#include <cstdint>
#include <string>

namespace doorpost::storage::audit {

struct ExportRequest {
    std::string dbPath;
    std::string outDir;      // must not exist, or be an empty folder
    std::int64_t fromMs = 0; // wall time, [fromMs, toMs)
    std::int64_t toMs = 0;
};

struct ExportSummary {
    std::string outDir;
    std::string device;
    std::string devicePublicKey;
    std::string epoch;
    std::int64_t firstSeq = 0;
    std::int64_t lastSeq = 0;
    std::int64_t count = 0;
    std::string hashBeforeFirst;
    std::string lastHash;
    std::string createdAt;
    std::string integrity; // PRAGMA integrity_check's answer ("ok")
    double integrityS = 0; // its wall and CPU seconds (it runs beside the read)
    double integrityCpuS = 0;
    std::int64_t idLikeInDetail = 0; // events whose detail holds an unmasked-looking ID number
    std::int64_t firstBrokenSeq = 0; // 0, or the first seq whose link or seq is broken in the db
};

// Negative: integrity_check fails, or no event in the period. A broken chain is exported as it
// is (verify-export names its first bad record) and flagged in firstBrokenSeq. BadInput: --out
// exists and is not empty, or an empty period. Environment: the database cannot be read, --out
// cannot be written (disk full, read-only, missing parent).
Result<ExportSummary> writeAuditExport(const ExportRequest& request);

} // namespace doorpost::storage::audit
