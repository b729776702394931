#pragma once
// zlib (RFC 1950) for pass payloads. Inflate has a hard output limit: a QR code holds at most
// ~3 KB, so a payload that inflates past the limit is a decompression bomb, not a pass.

#include "storage/base/result.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace doorpost::sync::pass {

inline constexpr std::size_t kMaxInflatedBytes = 64 * 1024;

std::vector<std::uint8_t> deflateZlib(std::span<const std::uint8_t> bytes);

// Requires a complete zlib stream (header, data, Adler-32) with nothing after it.
Result<std::vector<std::uint8_t>> inflateZlib(std::span<const std::uint8_t> bytes,
                                              std::size_t maxOutput = kMaxInflatedBytes);

} // namespace doorpost::sync::pass
