#pragma once
// The auditor's export at the central (storage/audit/central_verify.hpp has the layout): every
// door's chain for a period, each written exactly as a kiosk export and verified as it is
// written (hash recomputed, links, consecutive seqs), events.xlsx and report.html over all
// doors, a manifest signed with the central's key; all or nothing (a staged folder renamed
// into place), from one read snapshot of the store.
//
// With `unmask`, the sealed ID numbers of manual registrations are opened with the auditor's
// sealing key pairs (sealing_key_file.hpp reads them; this library only gets the pairs) and
// appear in unmasked_ids.csv, the spreadsheet's ID column and the report. The unmasking is
// appended to the access log before the export is put in place, so no export with full numbers
// exists without its entry. A box sealed to a key whose pair was not given is a one-line error
// naming the key (rotated, or not this deployment's), and nothing is written.

#include "storage/base/result.hpp"
#include "sync/central/central_store.hpp"
#include "sync/pass/sealed_identity.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::sync::central {

struct OpeningKey {
    std::string kid;
    pass::SealPublicKey publicKey{};
    pass::SealSecretKey secretKey{};
};

struct KnownSealKey { // every sealing key this central ever published (public halves)
    std::string kid;
    std::int64_t createdAt = 0;
    bool active = false;
};

struct CentralExportRequest {
    std::string outDir;
    std::int64_t fromMs = 0; // [fromMs, toMs), device wall time
    std::int64_t toMs = 0;
    std::string device; // empty: every door
    bool unmask = false;
    std::vector<OpeningKey> openingKeys;
    std::vector<KnownSealKey> knownKeys;
    std::string reason;
    std::string auditor;
    std::string signingSecretKey; // the central's Ed25519 key (64 bytes): the set-signing key
};

struct CentralExportSummary {
    std::string outDir;
    std::string centralKey;
    std::int64_t doors = 0;
    std::int64_t events = 0;
    std::int64_t opened = 0;          // sealed numbers opened
    std::int64_t notSealed = 0;       // manual registrations a kiosk recorded without a sealing key
    std::int64_t cutAtQuarantine = 0; // chains whose period ended early at a quarantined record
    std::int64_t accessLogSeq = 0;
    std::string createdAt;
};

// Negative: no event in the period, or a chain whose stored copy does not verify. BadInput:
// --out not empty, an empty period, --unmask without a reason, a box no given key opens.
Result<CentralExportSummary> writeCentralExport(CentralStore& store,
                                                const CentralExportRequest& request);

} // namespace doorpost::sync::central
