#pragma once
// The trust material a kiosk verifies against, held in memory as one immutable snapshot:
// DCC document signer certificates (DSCs), Doorpost issuer keys (Ed25519) and the deny list.
// Loaded from storage (storage/trust_store) or built by tests; replaced whole after a sync,
// never edited in place, so a verification always sees one consistent set.

#include "storage/base/result.hpp"
#include "sync/pass/dp1.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

namespace doorpost::kiosk::credentials {

inline constexpr std::string_view kOidDccTest = "1.3.6.1.4.1.1847.2021.1.1";
inline constexpr std::string_view kOidDccVaccination = "1.3.6.1.4.1.1847.2021.1.2";
inline constexpr std::string_view kOidDccRecovery = "1.3.6.1.4.1.1847.2021.1.3";
// Early DSCs (and the DCC test corpus) carry the same OIDs with an extra ".0" arc, a typo
// the EU reference verifiers accept as an alias; so does Doorpost.
inline constexpr std::string_view kOidDccTestAlias = "1.3.6.1.4.1.0.1847.2021.1.1";
inline constexpr std::string_view kOidDccVaccinationAlias = "1.3.6.1.4.1.0.1847.2021.1.2";
inline constexpr std::string_view kOidDccRecoveryAlias = "1.3.6.1.4.1.0.1847.2021.1.3";

struct TrustedDsc {
    std::vector<std::uint8_t> der;
    sync::pass::KeyId kid{}; // first 8 bytes of SHA-256(der)
    std::int64_t notBefore = 0;
    std::int64_t notAfter = 0;
    std::vector<std::string> extendedKeyUsages; // dotted OIDs
    std::string subject;
    std::shared_ptr<evp_pkey_st> publicKey;
};

// Accepts DER, PEM, or base64 of DER (as the DCC corpus and trust lists carry it).
Result<TrustedDsc> parseDsc(std::span<const std::uint8_t> bytes);

struct TrustedPassKey {
    sync::pass::KeyId kid{};
    std::array<std::uint8_t, 32> publicKey{};
    std::string label;
};

Result<TrustedPassKey> makePassKey(std::span<const std::uint8_t> publicKey, std::string label);

struct TrustSet {
    std::vector<TrustedDsc> dscs;
    std::vector<TrustedPassKey> passKeys;
    std::set<std::string> deniedPassIds;
    // The earliest valid-until of the lists this snapshot was built from; nullopt when no
    // list states one (e.g. a test set built by hand).
    std::optional<std::int64_t> validUntil;
};

} // namespace doorpost::kiosk::credentials
