#pragma once
// Builds the in-memory trust snapshot a gate verifies against from the rows in storage:
// DSCs and issuer keys parsed once, the deny list as a set, the central's sealing key, the
// subject secret, and how long each list may be relied on.

#include "kiosk/credentials/credential.hpp"
#include "kiosk/credentials/trust_set.hpp"
#include "storage/base/result.hpp"
#include "storage/database.hpp"
#include "sync/pass/subject_key.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace doorpost::kiosk::gate {

struct TrustSnapshot {
    credentials::TrustSet set;
    std::optional<std::array<std::uint8_t, 32>> sealPublicKey; // central's X25519 key
    // The deployment's subject secret (sync/pass/subject_key.hpp), from enrolment; nullopt
    // before it: ID numbers then get no subject key (no re-entry or roster match by ID).
    std::optional<sync::pass::SubjectSecret> subjectSecret;
    // Latest valid-until per list (a fresh fetch renews a list); nullopt: list is empty.
    std::optional<std::int64_t> dscValidUntil;
    std::optional<std::int64_t> passKeysValidUntil;
    std::optional<std::int64_t> denyListValidUntil;

    // The valid-until that governs a decision on this kind of credential.
    std::optional<std::int64_t> validUntilFor(credentials::CredentialKind kind) const;
};

Result<TrustSnapshot> loadTrust(storage::Database& db);

} // namespace doorpost::kiosk::gate
