#pragma once
// The Doorpost health pass: "DP1:" + Base45(zlib(COSE_Sign1(CWT))), EdDSA (Ed25519).
// The central issues passes (issueDp1); the kiosk opens them (readDp1Claims after
// openEnvelope) and verifies the signature against the keys it last synced.
//
// Claims: 1 iss, 2 sub (pass id), 4 exp, 6 iat, and private-use labels
//   -65537 status ("green" | "yellow" | "red")
//   -65538 holder id hash (bstr, 32 bytes: the subject key, see subject_key.hpp)
//   -65539 masked holder id (text, e.g. "1101**********002X")

#include "storage/base/result.hpp"
#include "sync/pass/cbor.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::sync::pass {

inline constexpr std::string_view kDp1Prefix = "DP1:";
inline constexpr std::int64_t kDp1Status = -65537;
inline constexpr std::int64_t kDp1IdHash = -65538;
inline constexpr std::int64_t kDp1MaskedId = -65539;
inline constexpr std::size_t kKeyIdSize = 8;

enum class PassStatus { Green, Yellow, Red };
std::string_view passStatusName(PassStatus status);
Result<PassStatus> parsePassStatus(std::string_view name);

struct Dp1Claims {
    std::string issuer;
    std::string passId;
    std::int64_t issuedAt = 0;
    std::int64_t expiresAt = 0;
    PassStatus status = PassStatus::Green;
    std::vector<std::uint8_t> idHash; // 32 bytes
    std::string maskedId;
};

using KeyId = std::array<std::uint8_t, kKeyIdSize>;

// First 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key (as the DCC does for DSCs).
KeyId ed25519KeyId(std::span<const std::uint8_t> publicKey);

std::vector<std::uint8_t> encodeDp1Claims(const Dp1Claims& claims);

// Signs with a libsodium Ed25519 secret key (64 bytes) and returns the QR text "DP1:...".
std::string issueDp1(const Dp1Claims& claims, std::span<const std::uint8_t> secretKey);

// Reads the claims of an opened envelope; fails naming the missing or mistyped claim.
Result<Dp1Claims> readDp1Claims(const CborValue& claims);

} // namespace doorpost::sync::pass
