#pragma once
// Lowercase hexadecimal, the one form Doorpost writes hashes, keys and ids in (event log, wire,
// exports, key files). Reading accepts lowercase only: a stored hash has one spelling, so a
// second one can never verify as the same record.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost {

std::string toHex(std::span<const std::uint8_t> bytes);
inline std::string toHex(const std::uint8_t* data, std::size_t size) {
    return toHex(std::span<const std::uint8_t>(data, size));
}

// Exactly out.size() bytes from 2 * out.size() lowercase hex digits; false otherwise (out is
// then unspecified).
bool fromHex(std::string_view hex, std::span<std::uint8_t> out);
inline bool fromHex(std::string_view hex, std::uint8_t* out, std::size_t size) {
    return fromHex(hex, std::span<std::uint8_t>(out, size));
}
// Any even number of lowercase hex digits.
std::optional<std::vector<std::uint8_t>> bytesFromHex(std::string_view hex);

bool isLowerHex(std::string_view text, std::size_t length);

} // namespace doorpost
