#include "sync/pass/base45.hpp"

#include <array>

namespace doorpost::sync::pass {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

// Reverse table built once at compile time; -1 marks characters outside the alphabet.
constexpr std::array<int, 256> makeReverse() {
    std::array<int, 256> table{};
    for (int& entry : table)
        entry = -1;
    for (std::size_t i = 0; i < kAlphabet.size(); ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
    return table;
}
constexpr std::array<int, 256> kReverse = makeReverse();

} // namespace

std::string base45Encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() / 2 * 3 + 2);
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) {
        unsigned value = bytes[i] * 256u + bytes[i + 1];
        out += kAlphabet[value % 45];
        out += kAlphabet[(value / 45) % 45];
        out += kAlphabet[value / (45 * 45)];
    }
    if (i < bytes.size()) {
        unsigned value = bytes[i];
        out += kAlphabet[value % 45];
        out += kAlphabet[value / 45];
    }
    return out;
}

Result<std::vector<std::uint8_t>> base45Decode(std::string_view text) {
    if (text.size() % 3 == 1)
        return badInput("base45: length " + std::to_string(text.size()) +
                        " leaves a single trailing character");
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 3 * 2 + 1);
    for (std::size_t i = 0; i < text.size(); i += 3) {
        const std::size_t groupSize = std::min<std::size_t>(3, text.size() - i);
        unsigned value = 0;
        unsigned factor = 1;
        for (std::size_t k = 0; k < groupSize; ++k) {
            const int digit = kReverse[static_cast<unsigned char>(text[i + k])];
            if (digit < 0)
                return badInput("base45: character at position " + std::to_string(i + k) +
                                " is not in the alphabet");
            value += static_cast<unsigned>(digit) * factor;
            factor *= 45;
        }
        if (groupSize == 3) {
            if (value > 0xFFFF)
                return badInput("base45: group at position " + std::to_string(i) +
                                " overflows two bytes");
            out.push_back(static_cast<std::uint8_t>(value >> 8));
            out.push_back(static_cast<std::uint8_t>(value & 0xFF));
        } else {
            if (value > 0xFF)
                return badInput("base45: final group at position " + std::to_string(i) +
                                " overflows one byte");
            out.push_back(static_cast<std::uint8_t>(value));
        }
    }
    return out;
}

} // namespace doorpost::sync::pass
