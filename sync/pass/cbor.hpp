#pragma once
// A minimal, strict CBOR (RFC 8949) reader and writer: enough for COSE_Sign1 and CWT claims.
// The reader builds a small value tree, bounded in depth and item count, and rejects anything
// malformed: truncation, reserved additional-info values, trailing bytes, duplicate map keys,
// invalid UTF-8 in text strings. It never trusts a length it has not seen the bytes for.

#include "storage/base/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::sync::pass {

struct CborValue {
    enum class Type { Unsigned, Negative, Bytes, Text, Array, Map, Tag, Simple, Float };
    Type type = Type::Simple;
    // Unsigned: the value. Negative: n, the value being -1 - n. Tag: the tag number.
    // Simple: the simple value (20 false, 21 true, 22 null, 23 undefined).
    std::uint64_t number = 0;
    double floating = 0.0;
    std::vector<std::uint8_t> bytes; // Bytes
    std::string text;                // Text (valid UTF-8)
    // Array: the items. Map: keys and values interleaved (k0, v0, k1, v1...). Tag: one item.
    std::vector<CborValue> items;

    bool isInteger() const { return type == Type::Unsigned || type == Type::Negative; }
    // The integer value when it fits in int64_t.
    std::optional<std::int64_t> asInt() const;
    std::size_t mapSize() const { return items.size() / 2; }
    // Map lookups by integer or text key; nullptr when absent or not a map.
    const CborValue* find(std::int64_t key) const;
    const CborValue* find(std::string_view key) const;
};

struct CborLimits {
    int maxDepth = 16;
    std::size_t maxItems = 20000;
};

// Decodes exactly one item that spans all of `bytes`.
Result<CborValue> cborDecode(std::span<const std::uint8_t> bytes, CborLimits limits = {});

// Appends definite-length, shortest-form encodings (deterministic, RFC 8949 §4.2.1 heads).
class CborWriter {
public:
    CborWriter& unsignedInt(std::uint64_t value);
    CborWriter& integer(std::int64_t value);
    CborWriter& bytes(std::span<const std::uint8_t> value);
    CborWriter& text(std::string_view value);
    CborWriter& arrayHeader(std::uint64_t count);
    CborWriter& mapHeader(std::uint64_t count);
    CborWriter& tag(std::uint64_t number);
    CborWriter& boolean(bool value);
    CborWriter& null();
    // Appends an already-encoded item verbatim.
    CborWriter& raw(std::span<const std::uint8_t> encoded);

    const std::vector<std::uint8_t>& data() const { return m_out; }
    std::vector<std::uint8_t> take() { return std::move(m_out); }

private:
    void head(int major, std::uint64_t value);
    std::vector<std::uint8_t> m_out;
};

} // namespace doorpost::sync::pass
