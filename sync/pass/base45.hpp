#pragma once
// Base45 (RFC 9285): the QR alphanumeric-mode friendly text encoding used by HC1 and DP1.

#include "storage/base/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::sync::pass {

std::string base45Encode(std::span<const std::uint8_t> bytes);

// Strict: only the 45 characters of the alphabet, no trailing single character, no group whose
// value overflows its byte count. The error names the offending position.
Result<std::vector<std::uint8_t>> base45Decode(std::string_view text);

} // namespace doorpost::sync::pass
