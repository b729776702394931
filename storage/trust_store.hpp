#pragma once
// Trust data on the kiosk: trusted keys (DCC document signer certificates, Doorpost issuer
// keys, the central's sealing key) and the deny list, each row with where it came from, when
// it was fetched and until when it may be relied on. Tables: migration "trust data and
// roster" (storage/migrations.cpp). The kiosk turns these rows into an in-memory snapshot
// (kiosk/gate/trust_loader.hpp); storage knows nothing of certificates or signatures.
//
// Threads: like every storage module, a TrustStore borrows one Database (one connection) and
// is used by the thread that owns that connection.

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::storage {

enum class TrustKind { Dsc, PassKey, SealKey };
std::string_view toString(TrustKind kind); // "dsc", "pass_key", "seal_key"
std::optional<TrustKind> parseTrustKind(std::string_view text);

struct TrustEntry {
    TrustKind kind = TrustKind::Dsc;
    std::string keyId;           // hex (8 bytes for DSCs and issuer keys)
    std::string material;        // hex: the DSC's DER, or the raw public key
    std::string label;           // DSC subject, key name
    std::string source;          // file or sync set it came from
    std::int64_t fetchedAt = 0;  // seconds since the epoch
    std::int64_t validUntil = 0; // seconds since the epoch
};

struct DeniedPass {
    std::string passId;
    std::string source;
    std::int64_t fetchedAt = 0;
    std::int64_t validUntil = 0;
};

class TrustStore {
public:
    explicit TrustStore(Database& db) : m_db(&db) {}

    // add() and deny() move the trust generation (storage/trust_generation.hpp) in the same
    // transaction, so a running gate picks the change up at its next decision.
    // Adds or refreshes (same kind and material) an entry.
    Result<void> add(const TrustEntry& entry);
    Result<std::vector<TrustEntry>> entries();
    Result<void> deny(const DeniedPass& pass);
    Result<std::vector<DeniedPass>> denied();

private:
    Database* m_db;
};

} // namespace doorpost::storage
