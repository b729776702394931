#pragma once
// COSE_Sign1 (RFC 9052 §4.2): parse and build the single-signer structure HC1 and DP1 use.
// Accepted wrappings: untagged, tag 18, or CWT tag 61 around tag 18 (both seen in the field).

#include "storage/base/result.hpp"
#include "sync/pass/cbor.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace doorpost::sync::pass {

inline constexpr std::int64_t kCoseAlgEs256 = -7;
inline constexpr std::int64_t kCoseAlgEdDsa = -8;
inline constexpr std::int64_t kCoseAlgPs256 = -37;
inline constexpr std::int64_t kCoseHeaderAlg = 1;
inline constexpr std::int64_t kCoseHeaderKid = 4;

struct CoseSign1 {
    std::vector<std::uint8_t> protectedBytes; // the bstr exactly as signed
    CborValue protectedHeader;                // decoded map (empty map when bstr is empty)
    CborValue unprotectedHeader;              // map
    std::vector<std::uint8_t> payload;
    std::vector<std::uint8_t> signature;
    std::optional<std::int64_t> alg; // protected first, else unprotected (see cose.cpp)
    bool algProtected = false;
    std::vector<std::uint8_t> kid; // protected first, else unprotected; empty when absent
    bool kidProtected = false;
};

Result<CoseSign1> parseCoseSign1(std::span<const std::uint8_t> bytes);

// Sig_structure = ["Signature1", body_protected, external_aad = h'', payload]
std::vector<std::uint8_t> coseSigStructure(std::span<const std::uint8_t> protectedBytes,
                                           std::span<const std::uint8_t> payload);

// Protected header {1: alg, 4: kid}, empty unprotected map, tag 18.
std::vector<std::uint8_t> coseProtectedHeader(std::int64_t alg, std::span<const std::uint8_t> kid);
std::vector<std::uint8_t> buildCoseSign1(std::span<const std::uint8_t> protectedBytes,
                                         std::span<const std::uint8_t> payload,
                                         std::span<const std::uint8_t> signature);

} // namespace doorpost::sync::pass
