#include "storage/base/hex.hpp"

namespace doorpost {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int nibble(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

} // namespace

std::string toHex(std::span<const std::uint8_t> bytes) {
    std::string hex(bytes.size() * 2, '0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        hex[2 * i] = kDigits[bytes[i] >> 4];
        hex[2 * i + 1] = kDigits[bytes[i] & 0x0f];
    }
    return hex;
}

bool fromHex(std::string_view hex, std::span<std::uint8_t> out) {
    if (hex.size() != out.size() * 2)
        return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = nibble(hex[2 * i]);
        const int low = nibble(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return false;
        out[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return true;
}

std::optional<std::vector<std::uint8_t>> bytesFromHex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::vector<std::uint8_t> bytes(hex.size() / 2);
    if (!fromHex(hex, bytes))
        return std::nullopt;
    return bytes;
}

bool isLowerHex(std::string_view text, std::size_t length) {
    if (text.size() != length)
        return false;
    for (const char c : text) {
        if (nibble(c) < 0)
            return false;
    }
    return true;
}

} // namespace doorpost
