#pragma once
// CWT claims (RFC 8392) both pass types use: iss (1), sub (2), exp (4), nbf (5), iat (6).

#include "storage/base/result.hpp"
#include "sync/pass/cbor.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace doorpost::sync::pass {

inline constexpr std::int64_t kCwtIss = 1;
inline constexpr std::int64_t kCwtSub = 2;
inline constexpr std::int64_t kCwtExp = 4;
inline constexpr std::int64_t kCwtNbf = 5;
inline constexpr std::int64_t kCwtIat = 6;

struct CwtClaims {
    std::optional<std::string> issuer;
    std::optional<std::string> subject;
    std::optional<std::int64_t> expiresAt; // seconds since the epoch
    std::optional<std::int64_t> notBefore;
    std::optional<std::int64_t> issuedAt;
};

// Fails when a present claim has the wrong type. Times may be integers or floats (RFC 8392
// NumericDate); a float is truncated to whole seconds.
Result<CwtClaims> readCwtClaims(const CborValue& claims);

} // namespace doorpost::sync::pass
