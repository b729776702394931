#include "sync/event_wire.hpp"

#include "storage/base/utf8.hpp"

#include <cstdint>
#include <string_view>

namespace doorpost::sync {
namespace {

// A JSON string as nlohmann's dump() writes it (ensure_ascii off): the two-character escapes,
// \u00xx for other control characters, everything else as it is.
void appendString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += kHex[(c >> 4) & 0xF];
                out += kHex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendField(std::string& out, const char* name, std::string_view text) {
    out += '"';
    out += name;
    out += "\":";
    appendString(out, text);
}

void appendField(std::string& out, const char* name, std::int64_t value) {
    out += '"';
    out += name;
    out += "\":";
    out += std::to_string(value);
}

} // namespace

bool appendWireJson(std::string& out, const storage::Event& event, const std::string& quarantined) {
    // Keys in the order nlohmann's objects (std::map) write them: sorted.
    if (!quarantined.empty()) {
        if (!isValidUtf8(quarantined))
            return false;
        out += '{';
        appendField(out, "hash", event.hash);
        out += ',';
        appendField(out, "prev_hash", event.prevHash);
        out += ',';
        appendField(out, "quarantined", quarantined);
        out += ',';
        appendField(out, "seq", event.seq);
        out += '}';
        return true;
    }
    for (const std::string* text :
         {&event.bootId, &event.credentialType, &event.detail, &event.deviceId, &event.eventId,
          &event.maskedId, &event.operatorId, &event.subjectKey, &event.hash, &event.prevHash})
        if (!isValidUtf8(*text))
            return false;
    for (const auto& reason : event.reasons)
        if (!isValidUtf8(reason))
            return false;
    out += "{\"event\":{";
    appendField(out, "boot_id", event.bootId);
    out += ',';
    appendField(out, "credential_type", event.credentialType);
    out += ',';
    appendField(out, "detail", event.detail);
    out += ',';
    appendField(out, "device_id", event.deviceId);
    out += ',';
    appendField(out, "event_id", event.eventId);
    out += ',';
    appendField(out, "kind", storage::toString(event.kind));
    out += ',';
    appendField(out, "masked_id", event.maskedId);
    out += ',';
    appendField(out, "monotonic_ms", event.monotonicMs);
    out += ',';
    appendField(out, "operator", event.operatorId);
    out += ",\"reasons\":[";
    for (std::size_t i = 0; i < event.reasons.size(); ++i) {
        if (i > 0)
            out += ',';
        appendString(out, event.reasons[i]);
    }
    out += "],";
    appendField(out, "subject_key", event.subjectKey);
    out += ',';
    appendField(out, "verdict", toString(event.verdict));
    out += ',';
    appendField(out, "wall_time_ms", event.wallTimeMs);
    out += "},";
    appendField(out, "hash", event.hash);
    out += ',';
    appendField(out, "prev_hash", event.prevHash);
    out += ',';
    appendField(out, "seq", event.seq);
    out += '}';
    return true;
}

WireEvent toWire(const storage::Event& event) {
    WireEvent wire;
    wire.seq = event.seq;
    wire.hash = event.hash;
    wire.prevHash = event.prevHash;
    wire.event = {{"event_id", event.eventId},
                  {"device_id", event.deviceId},
                  {"wall_time_ms", event.wallTimeMs},
                  {"monotonic_ms", event.monotonicMs},
                  {"boot_id", event.bootId},
                  {"kind", std::string(storage::toString(event.kind))},
                  {"credential_type", event.credentialType},
                  {"subject_key", event.subjectKey},
                  {"masked_id", event.maskedId},
                  {"verdict", std::string(toString(event.verdict))},
                  {"reasons", event.reasons},
                  {"operator", event.operatorId},
                  {"detail", event.detail}};
    return wire;
}

Result<storage::Event> fromWire(const WireEvent& wire, const std::string& epoch) {
    const auto& body = wire.event;
    auto text = [&](const char* field, std::string& out) -> bool {
        const auto it = body.find(field);
        if (it == body.end() || !it->is_string())
            return false;
        out = it->get<std::string>();
        return true;
    };
    auto integer = [&](const char* field, std::int64_t& out) -> bool {
        const auto it = body.find(field);
        if (it == body.end() || !it->is_number_integer())
            return false;
        out = it->get<std::int64_t>();
        return true;
    };
    storage::Event event;
    event.seq = wire.seq;
    event.epoch = epoch;
    event.hash = wire.hash;
    event.prevHash = wire.prevHash;
    std::string kind;
    std::string verdict;
    if (!text("event_id", event.eventId))
        return badInput("field event.event_id is missing");
    if (!text("device_id", event.deviceId))
        return badInput("field event.device_id is missing");
    if (!integer("wall_time_ms", event.wallTimeMs))
        return badInput("field event.wall_time_ms is missing");
    if (!integer("monotonic_ms", event.monotonicMs))
        return badInput("field event.monotonic_ms is missing");
    if (!text("boot_id", event.bootId))
        return badInput("field event.boot_id is missing");
    if (!text("kind", kind))
        return badInput("field event.kind is missing");
    if (!text("credential_type", event.credentialType))
        return badInput("field event.credential_type is missing");
    if (!text("subject_key", event.subjectKey))
        return badInput("field event.subject_key is missing");
    if (!text("masked_id", event.maskedId))
        return badInput("field event.masked_id is missing");
    if (!text("verdict", verdict))
        return badInput("field event.verdict is missing");
    if (!text("operator", event.operatorId))
        return badInput("field event.operator is missing");
    if (!text("detail", event.detail))
        return badInput("field event.detail is missing");
    const auto parsedKind = storage::parseEventKind(kind);
    if (!parsedKind)
        return badInput("field event.kind is not a known kind");
    event.kind = *parsedKind;
    const auto parsedVerdict = parseVerdict(verdict);
    if (!parsedVerdict)
        return badInput("field event.verdict is not a known verdict");
    event.verdict = *parsedVerdict;
    const auto reasons = body.find("reasons");
    if (reasons == body.end() || !reasons->is_array())
        return badInput("field event.reasons is missing");
    for (const auto& reason : *reasons) {
        if (!reason.is_string())
            return badInput("field event.reasons holds a non-string");
        event.reasons.push_back(reason.get<std::string>());
    }
    return event;
}

} // namespace doorpost::sync
