// events.jsonl lines (docs/audit.md): written and read by hand rather than through a JSON DOM,
// because at a million events per export the DOM's allocations were most of the time. The
// reader is strict JSON for exactly this shape: an object whose 17 fields are strings,
// integers and one array of strings; anything else is refused as "not in the export format".

#include "storage/audit/format.hpp"
#include "storage/base/utf8.hpp"

#include <cctype>
#include <charconv>
#include <cstring>

namespace doorpost::storage::audit {

namespace {

// Appends `text` as a JSON string; false when it is not valid UTF-8. Runs of plain characters
// are appended at once (most of every line is hex and ASCII).
bool appendJsonString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const auto* run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
            ++p;
        }
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
        if (p == end) {
            break;
        }
        const unsigned char c = *p;
        if (c >= 0x80) {
            const std::size_t length = utf8SequenceLength(std::string_view(
                reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)));
            if (length == 0) {
                return false;
            }
            out.append(reinterpret_cast<const char*>(p), length);
            p += length;
            continue;
        }
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else {
            out.append("\\u00");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
        ++p;
    }
    out.push_back('"');
    return true;
}

void appendInteger(std::string& out, std::int64_t value) {
    char digits[24];
    const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    (void)error;
    out.append(digits, static_cast<std::size_t>(end - digits));
}

class LineReader {
public:
    explicit LineReader(std::string_view text)
        : m_p(text.data()), m_end(text.data() + text.size()) {}

    void skipSpace() {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\r')) {
            ++m_p;
        }
    }
    bool consume(char c) {
        skipSpace();
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    bool peek(char c) {
        skipSpace();
        return m_p < m_end && *m_p == c;
    }
    bool atEnd() {
        skipSpace();
        return m_p == m_end;
    }

    bool readHex4(std::uint32_t& value) {
        if (m_end - m_p < 4) {
            return false;
        }
        value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_p++;
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                value |= static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                value |= static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    bool readString(std::string& out) {
        out.clear();
        if (!consume('"')) {
            return false;
        }
        for (;;) {
            const char* run = m_p;
            while (m_p < m_end && *m_p != '"' && *m_p != '\\' &&
                   static_cast<unsigned char>(*m_p) >= 0x20) {
                ++m_p;
            }
            out.append(run, static_cast<std::size_t>(m_p - run));
            if (m_p == m_end || static_cast<unsigned char>(*m_p) < 0x20) {
                return false;
            }
            if (*m_p++ == '"') {
                return true;
            }
            if (m_p == m_end) {
                return false;
            }
            const char escape = *m_p++;
            switch (escape) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                std::uint32_t code = 0;
                if (!readHex4(code)) {
                    return false;
                }
                if (code >= 0xD800 && code <= 0xDBFF) {
                    std::uint32_t low = 0;
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u') {
                        return false;
                    }
                    m_p += 2;
                    if (!readHex4(low) || low < 0xDC00 || low > 0xDFFF) {
                        return false;
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                } else if (code >= 0xDC00 && code <= 0xDFFF) {
                    return false;
                }
                appendUtf8(out, static_cast<char32_t>(code));
                break;
            }
            default:
                return false;
            }
        }
    }

    bool readInteger(std::int64_t& out) {
        skipSpace();
        bool negative = false;
        if (m_p < m_end && *m_p == '-') {
            negative = true;
            ++m_p;
        }
        if (m_p == m_end || *m_p < '0' || *m_p > '9' ||
            (*m_p == '0' && m_end - m_p > 1 && m_p[1] >= '0' && m_p[1] <= '9')) {
            return false;
        }
        std::uint64_t value = 0;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            const auto digit = static_cast<std::uint64_t>(*m_p++ - '0');
            if (value > (static_cast<std::uint64_t>(INT64_MAX) + 1 - digit) / 10) {
                return false;
            }
            value = value * 10 + digit;
        }
        if (m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E')) {
            return false;
        }
        if (!negative && value > static_cast<std::uint64_t>(INT64_MAX)) {
            return false;
        }
        out = negative ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
        return true;
    }

    // Skips any JSON value (for detail's keys that do not go to the CSV) and returns its text.
    bool skipValue(std::string_view& raw, int depth = 0) {
        skipSpace();
        const char* start = m_p;
        if (m_p == m_end || depth > 64) {
            return false;
        }
        if (*m_p == '"') {
            std::string ignored;
            if (!readString(ignored)) {
                return false;
            }
        } else if (*m_p == '{' || *m_p == '[') {
            const char close = *m_p == '{' ? '}' : ']';
            ++m_p;
            if (!consume(close)) {
                do {
                    std::string_view inner;
                    if (close == '}') {
                        std::string key;
                        if (!readString(key) || !consume(':')) {
                            return false;
                        }
                    }
                    if (!skipValue(inner, depth + 1)) {
                        return false;
                    }
                } while (consume(','));
                if (!consume(close)) {
                    return false;
                }
            }
        } else {
            while (m_p < m_end && (std::isalnum(static_cast<unsigned char>(*m_p)) || *m_p == '-' ||
                                   *m_p == '+' || *m_p == '.')) {
                ++m_p;
            }
            if (m_p == start) {
                return false;
            }
        }
        raw = std::string_view(start, static_cast<std::size_t>(m_p - start));
        return true;
    }

private:
    const char* m_p;
    const char* m_end;
};

enum Field {
    kSeq,
    kEventId,
    kEpoch,
    kDeviceId,
    kWallTime,
    kMonotonic,
    kBootId,
    kKind,
    kCredentialType,
    kSubjectKey,
    kMaskedId,
    kVerdict,
    kReasons,
    kOperator,
    kDetail,
    kPrevHash,
    kHash,
    kFieldCount
};

constexpr const char* kFieldNames[kFieldCount] = {
    "seq",     "event_id", "epoch",           "device_id",   "wall_time_ms", "monotonic_ms",
    "boot_id", "kind",     "credential_type", "subject_key", "masked_id",    "verdict",
    "reasons", "operator", "detail",          "prev_hash",   "hash"};

} // namespace

namespace {

// One member's value into `target` (null: skipped): strings as they are, other values as their
// JSON text, nothing for null.
bool readMember(LineReader& reader, std::string* target) {
    if (target != nullptr && reader.peek('"')) {
        return reader.readString(*target);
    }
    std::string_view raw;
    if (!reader.skipValue(raw)) {
        return false;
    }
    if (target != nullptr && raw != "null") {
        target->assign(raw);
    }
    return true;
}

// detail.clock (docs/clock.md), after its '{' was read: state, offset_ms, floor, wall_back_ms.
bool readClock(LineReader& reader, DetailColumns& columns) {
    if (reader.consume('}')) {
        return true;
    }
    std::string key;
    do {
        if (!reader.readString(key) || !reader.consume(':')) {
            return false;
        }
        std::string* target = key == "state"          ? &columns.clockState
                              : key == "offset_ms"    ? &columns.clockOffsetMs
                              : key == "floor"        ? &columns.clockFloor
                              : key == "wall_back_ms" ? &columns.clockWallBackMs
                                                      : nullptr;
        if (!readMember(reader, target)) {
            return false;
        }
    } while (reader.consume(','));
    return reader.consume('}');
}

} // namespace

DetailColumns detailColumns(std::string_view detail) {
    DetailColumns columns;
    LineReader reader(detail);
    if (!reader.consume('{') || reader.consume('}')) {
        return columns;
    }
    std::string key;
    do {
        if (!reader.readString(key) || !reader.consume(':')) {
            return {};
        }
        if (key == "clock" && reader.consume('{')) {
            if (!readClock(reader, columns)) {
                return {};
            }
            continue;
        }
        std::string* target = key == "name"   ? &columns.name
                              : key == "room" ? &columns.room
                              : key == "seat" ? &columns.seat
                                              : nullptr;
        if (!readMember(reader, target)) {
            return {};
        }
    } while (reader.consume(','));
    return columns;
}

bool appendEventJsonLine(std::string& line, const Event& event) {
    bool valid = true;
    const auto key = [&line](Field field) {
        line.append(field == kSeq ? "{\"" : ",\"");
        line.append(kFieldNames[field]);
        line.append("\":");
    };
    const auto text = [&](Field field, std::string_view value) {
        key(field);
        valid = appendJsonString(line, value) && valid;
    };
    key(kSeq);
    appendInteger(line, event.seq);
    text(kEventId, event.eventId);
    text(kEpoch, event.epoch);
    text(kDeviceId, event.deviceId);
    key(kWallTime);
    appendInteger(line, event.wallTimeMs);
    key(kMonotonic);
    appendInteger(line, event.monotonicMs);
    text(kBootId, event.bootId);
    text(kKind, toString(event.kind));
    text(kCredentialType, event.credentialType);
    text(kSubjectKey, event.subjectKey);
    text(kMaskedId, event.maskedId);
    text(kVerdict, toString(event.verdict));
    key(kReasons);
    line.push_back('[');
    for (std::size_t i = 0; i < event.reasons.size(); ++i) {
        if (i > 0) {
            line.push_back(',');
        }
        valid = appendJsonString(line, event.reasons[i]) && valid;
    }
    line.push_back(']');
    text(kOperator, event.operatorId);
    text(kDetail, event.detail);
    text(kPrevHash, event.prevHash);
    text(kHash, event.hash);
    line.push_back('}');
    return valid;
}

Result<std::string> eventToJsonLine(const Event& event) {
    std::string line;
    line.reserve(1024);
    if (!appendEventJsonLine(line, event)) {
        return badInput("seq " + std::to_string(event.seq) +
                        ": a stored text is not valid UTF-8 and cannot be exported byte for byte");
    }
    return line;
}

Result<Event> eventFromJsonLine(std::string_view text) {
    Event event;
    if (auto parsed = eventFromJsonLine(text, event); !parsed) {
        return parsed.error();
    }
    return event;
}

Result<void> eventFromJsonLine(std::string_view text, Event& event) {
    LineReader reader(text);
    if (!reader.consume('{')) {
        return badInput("not a JSON object");
    }
    // `event` is reused line after line: its strings are overwritten (keeping their capacity),
    // and every field is required below, so nothing of the last line survives.
    std::size_t reasons = 0;
    bool seen[kFieldCount] = {};
    std::string key;
    std::string value;
    std::int64_t number = 0;
    for (std::size_t index = 0;; ++index) {
        if (index > 0 && !reader.consume(',')) {
            break;
        }
        if (!reader.readString(key) || !reader.consume(':')) {
            return badInput("not in the export format (a field name is malformed)");
        }
        // Fields come in the writer's order; any order is accepted, at the cost of a search.
        int field = -1;
        if (index < kFieldCount && key == kFieldNames[index]) {
            field = static_cast<int>(index);
        } else {
            for (int i = 0; i < kFieldCount; ++i) {
                if (key == kFieldNames[i]) {
                    field = i;
                }
            }
        }
        if (field < 0 || seen[field]) {
            return badInput("field " + key.substr(0, 40) +
                            (field < 0 ? " is unknown" : " appears twice"));
        }
        seen[field] = true;
        const std::string_view name = kFieldNames[field];
        switch (field) {
        case kSeq:
        case kWallTime:
        case kMonotonic:
            if (!reader.readInteger(number)) {
                return badInput("field " + std::string(name) + " is not an integer");
            }
            (field == kSeq        ? event.seq
             : field == kWallTime ? event.wallTimeMs
                                  : event.monotonicMs) = number;
            break;
        case kReasons:
            if (!reader.consume('[')) {
                return badInput("field reasons is not an array");
            }
            if (!reader.consume(']')) {
                do {
                    if (reasons == event.reasons.size()) {
                        event.reasons.emplace_back();
                    }
                    if (!reader.readString(event.reasons[reasons++])) {
                        return badInput("field reasons holds a non-string");
                    }
                } while (reader.consume(','));
                if (!reader.consume(']')) {
                    return badInput("field reasons is malformed");
                }
            }
            break;
        case kKind:
        case kVerdict: {
            if (!reader.readString(value)) {
                return badInput("field " + std::string(name) + " is not a string");
            }
            if (field == kKind) {
                const auto kind = parseEventKind(value);
                if (!kind) {
                    return badInput("field kind is not a known kind");
                }
                event.kind = *kind;
            } else {
                const auto verdict = parseVerdict(value);
                if (!verdict) {
                    return badInput("field verdict is not a known verdict");
                }
                event.verdict = *verdict;
            }
            break;
        }
        default: {
            std::string* const targets[kFieldCount] = {
                nullptr,           &event.eventId,    &event.epoch,
                &event.deviceId,   nullptr,           nullptr,
                &event.bootId,     nullptr,           &event.credentialType,
                &event.subjectKey, &event.maskedId,   nullptr,
                nullptr,           &event.operatorId, &event.detail,
                &event.prevHash,   &event.hash};
            if (!reader.readString(*targets[field])) {
                return badInput("field " + std::string(name) + " is not a string");
            }
        }
        }
    }
    if (!reader.consume('}') || !reader.atEnd()) {
        return badInput("not a JSON object (malformed or cut short)");
    }
    for (int i = 0; i < kFieldCount; ++i) {
        if (!seen[i]) {
            return badInput(std::string("field ") + kFieldNames[i] + " is missing");
        }
    }
    event.reasons.resize(reasons);
    return {};
}

} // namespace doorpost::storage::audit
