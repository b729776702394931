#include "sync/pass/cbor.hpp"

#include "storage/base/utf8.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace doorpost::sync::pass {
namespace {

double halfToDouble(std::uint16_t half) {
    const int exponent = (half >> 10) & 0x1F;
    const int mantissa = half & 0x3FF;
    double value;
    if (exponent == 0)
        value = std::ldexp(mantissa, -24);
    else if (exponent != 31)
        value = std::ldexp(mantissa + 1024, exponent - 25);
    else
        value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::quiet_NaN();
    return (half & 0x8000) ? -value : value;
}

bool sameKey(const CborValue& a, const CborValue& b) {
    if (a.type != b.type)
        return false;
    switch (a.type) {
    case CborValue::Type::Unsigned:
    case CborValue::Type::Negative:
    case CborValue::Type::Simple:
        return a.number == b.number;
    case CborValue::Type::Text:
        return a.text == b.text;
    case CborValue::Type::Bytes:
        return a.bytes == b.bytes;
    default:
        return false; // composite keys are not used by anything Doorpost reads
    }
}

class Reader {
public:
    Reader(std::span<const std::uint8_t> in, CborLimits limits) : m_in(in), m_limits(limits) {}

    Result<CborValue> readTop() {
        auto item = read(0);
        if (!item)
            return item;
        if (m_pos != m_in.size())
            return fail("cbor: " + std::to_string(m_in.size() - m_pos) +
                        " trailing bytes after the item");
        return item;
    }

private:
    static Error fail(std::string message) { return badInput(std::move(message)); }

    Result<std::uint64_t> argument(int info) {
        if (info < 24)
            return static_cast<std::uint64_t>(info);
        if (info > 27)
            return fail("cbor: reserved additional information at " + where());
        const std::size_t size = std::size_t{1} << (info - 24);
        if (m_in.size() - m_pos < size)
            return fail("cbor: truncated head at " + where());
        std::uint64_t value = 0;
        for (std::size_t k = 0; k < size; ++k)
            value = (value << 8) | m_in[m_pos++];
        return value;
    }

    std::string where() const { return "offset " + std::to_string(m_pos); }

    Result<std::vector<std::uint8_t>> readChunks(int major, int info) {
        std::vector<std::uint8_t> out;
        if (info == 31) { // indefinite: definite chunks of the same major type until a break
            while (true) {
                if (m_pos >= m_in.size())
                    return fail("cbor: unterminated string at " + where());
                const std::uint8_t initial = m_in[m_pos++];
                if (initial == 0xFF)
                    return out;
                if ((initial >> 5) != major || (initial & 0x1F) == 31)
                    return fail("cbor: bad chunk in indefinite string at " + where());
                auto chunk = readChunks(major, initial & 0x1F);
                if (!chunk)
                    return chunk.error();
                out.insert(out.end(), chunk->begin(), chunk->end());
            }
        }
        auto length = argument(info);
        if (!length)
            return length.error();
        if (*length > m_in.size() - m_pos)
            return fail("cbor: string length " + std::to_string(*length) +
                        " runs past the end at " + where());
        out.assign(m_in.begin() + static_cast<std::ptrdiff_t>(m_pos),
                   m_in.begin() + static_cast<std::ptrdiff_t>(m_pos + *length));
        m_pos += static_cast<std::size_t>(*length);
        return out;
    }

    Result<CborValue> read(int depth) {
        if (depth > m_limits.maxDepth)
            return fail("cbor: nesting deeper than allowed");
        if (++m_items > m_limits.maxItems)
            return fail("cbor: too many items");
        if (m_pos >= m_in.size())
            return fail("cbor: truncated at " + where());
        const std::uint8_t initial = m_in[m_pos++];
        const int major = initial >> 5;
        const int info = initial & 0x1F;
        CborValue value;
        switch (major) {
        case 0:
        case 1: {
            if (info == 31)
                return fail("cbor: indefinite integer at " + where());
            auto arg = argument(info);
            if (!arg)
                return arg.error();
            value.type = major == 0 ? CborValue::Type::Unsigned : CborValue::Type::Negative;
            value.number = *arg;
            return value;
        }
        case 2:
        case 3: {
            auto content = readChunks(major, info);
            if (!content)
                return content.error();
            if (major == 2) {
                value.type = CborValue::Type::Bytes;
                value.bytes = std::move(*content);
            } else {
                value.type = CborValue::Type::Text;
                value.text.assign(content->begin(), content->end());
                if (!isValidUtf8(value.text))
                    return fail("cbor: text string is not UTF-8");
            }
            return value;
        }
        case 4:
        case 5: {
            value.type = major == 4 ? CborValue::Type::Array : CborValue::Type::Map;
            const int perEntry = major == 4 ? 1 : 2;
            if (info == 31) {
                while (true) {
                    if (m_pos >= m_in.size())
                        return fail("cbor: unterminated container");
                    if (m_in[m_pos] == 0xFF) {
                        ++m_pos;
                        break;
                    }
                    for (int k = 0; k < perEntry; ++k) {
                        auto item = read(depth + 1);
                        if (!item)
                            return item;
                        value.items.push_back(std::move(*item));
                    }
                }
            } else {
                auto count = argument(info);
                if (!count)
                    return count.error();
                // Every item takes at least one byte: a count beyond the remaining input is a
                // lie, refused before anything is reserved.
                if (*count > (m_in.size() - m_pos))
                    return fail("cbor: container count runs past the end at " + where());
                for (std::uint64_t n = 0; n < *count; ++n) {
                    for (int k = 0; k < perEntry; ++k) {
                        auto item = read(depth + 1);
                        if (!item)
                            return item;
                        value.items.push_back(std::move(*item));
                    }
                }
            }
            if (major == 5) {
                for (std::size_t a = 0; a < value.items.size(); a += 2)
                    for (std::size_t b = a + 2; b < value.items.size(); b += 2)
                        if (sameKey(value.items[a], value.items[b]))
                            return fail("cbor: duplicate map key");
            }
            return value;
        }
        case 6: {
            if (info == 31)
                return fail("cbor: indefinite tag at " + where());
            auto arg = argument(info);
            if (!arg)
                return arg.error();
            value.type = CborValue::Type::Tag;
            value.number = *arg;
            auto inner = read(depth + 1);
            if (!inner)
                return inner;
            value.items.push_back(std::move(*inner));
            return value;
        }
        default: { // major 7: simple values and floats
            if (info < 24) {
                value.type = CborValue::Type::Simple;
                value.number = static_cast<std::uint64_t>(info);
                return value;
            }
            if (info == 24) {
                if (m_pos >= m_in.size())
                    return fail("cbor: truncated simple value");
                const std::uint8_t simple = m_in[m_pos++];
                if (simple < 32)
                    return fail("cbor: non-canonical simple value");
                value.type = CborValue::Type::Simple;
                value.number = simple;
                return value;
            }
            if (info == 31)
                return fail("cbor: unexpected break at " + where());
            auto arg = argument(info);
            if (!arg)
                return arg.error();
            value.type = CborValue::Type::Float;
            if (info == 25) {
                value.floating = halfToDouble(static_cast<std::uint16_t>(*arg));
            } else if (info == 26) {
                const auto bits = static_cast<std::uint32_t>(*arg);
                float f;
                std::memcpy(&f, &bits, sizeof f);
                value.floating = f;
            } else {
                const std::uint64_t bits = *arg;
                std::memcpy(&value.floating, &bits, sizeof value.floating);
            }
            return value;
        }
        }
    }

    std::span<const std::uint8_t> m_in;
    CborLimits m_limits;
    std::size_t m_pos = 0;
    std::size_t m_items = 0;
};

} // namespace

std::optional<std::int64_t> CborValue::asInt() const {
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (type == Type::Unsigned && number <= kMax)
        return static_cast<std::int64_t>(number);
    if (type == Type::Negative && number <= kMax)
        return -1 - static_cast<std::int64_t>(number);
    return std::nullopt;
}

const CborValue* CborValue::find(std::int64_t key) const {
    if (type != Type::Map)
        return nullptr;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (items[i].isInteger() && items[i].asInt() == key)
            return &items[i + 1];
    return nullptr;
}

const CborValue* CborValue::find(std::string_view key) const {
    if (type != Type::Map)
        return nullptr;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (items[i].type == Type::Text && items[i].text == key)
            return &items[i + 1];
    return nullptr;
}

Result<CborValue> cborDecode(std::span<const std::uint8_t> bytes, CborLimits limits) {
    return Reader(bytes, limits).readTop();
}

void CborWriter::head(int major, std::uint64_t value) {
    const auto m = static_cast<std::uint8_t>(major << 5);
    if (value < 24) {
        m_out.push_back(static_cast<std::uint8_t>(m | value));
        return;
    }
    int size = value <= 0xFF ? 1 : value <= 0xFFFF ? 2 : value <= 0xFFFFFFFFu ? 4 : 8;
    const int info = size == 1 ? 24 : size == 2 ? 25 : size == 4 ? 26 : 27;
    m_out.push_back(static_cast<std::uint8_t>(m | info));
    for (int k = size - 1; k >= 0; --k)
        m_out.push_back(static_cast<std::uint8_t>((value >> (8 * k)) & 0xFF));
}

CborWriter& CborWriter::unsignedInt(std::uint64_t value) {
    head(0, value);
    return *this;
}
CborWriter& CborWriter::integer(std::int64_t value) {
    if (value >= 0)
        head(0, static_cast<std::uint64_t>(value));
    else
        head(1, static_cast<std::uint64_t>(-1 - value));
    return *this;
}
CborWriter& CborWriter::bytes(std::span<const std::uint8_t> value) {
    head(2, value.size());
    m_out.insert(m_out.end(), value.begin(), value.end());
    return *this;
}
CborWriter& CborWriter::text(std::string_view value) {
    head(3, value.size());
    m_out.insert(m_out.end(), value.begin(), value.end());
    return *this;
}
CborWriter& CborWriter::arrayHeader(std::uint64_t count) {
    head(4, count);
    return *this;
}
CborWriter& CborWriter::mapHeader(std::uint64_t count) {
    head(5, count);
    return *this;
}
CborWriter& CborWriter::tag(std::uint64_t number) {
    head(6, number);
    return *this;
}
CborWriter& CborWriter::boolean(bool value) {
    m_out.push_back(value ? 0xF5 : 0xF4);
    return *this;
}
CborWriter& CborWriter::null() {
    m_out.push_back(0xF6);
    return *this;
}
CborWriter& CborWriter::raw(std::span<const std::uint8_t> encoded) {
    m_out.insert(m_out.end(), encoded.begin(), encoded.end());
    return *this;
}

} // namespace doorpost::sync::pass
