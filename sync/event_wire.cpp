#include "sync/event_wire.hpp"

namespace doorpost::sync {

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
                  {"verdict", std::string(storage::toString(event.verdict))},
                  {"reasons", event.reasons},
                  {"operator", event.operatorId},
                  {"detail", event.detail}};
    return wire;
}

Result<storage::Event> fromWire(const WireEvent& wire, const std::string& epoch) {
    const auto& body = wire.event;
    auto text = [&](const char* field, std::string& out) -> bool {
        const auto it = body.find(field);
        if (it == body.end() || !it->is_string()) return false;
        out = it->get<std::string>();
        return true;
    };
    auto integer = [&](const char* field, std::int64_t& out) -> bool {
        const auto it = body.find(field);
        if (it == body.end() || !it->is_number_integer()) return false;
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
    if (!text("event_id", event.eventId)) return badInput("field event.event_id is missing");
    if (!text("device_id", event.deviceId)) return badInput("field event.device_id is missing");
    if (!integer("wall_time_ms", event.wallTimeMs)) return badInput("field event.wall_time_ms is missing");
    if (!integer("monotonic_ms", event.monotonicMs)) return badInput("field event.monotonic_ms is missing");
    if (!text("boot_id", event.bootId)) return badInput("field event.boot_id is missing");
    if (!text("kind", kind)) return badInput("field event.kind is missing");
    if (!text("credential_type", event.credentialType))
        return badInput("field event.credential_type is missing");
    if (!text("subject_key", event.subjectKey)) return badInput("field event.subject_key is missing");
    if (!text("masked_id", event.maskedId)) return badInput("field event.masked_id is missing");
    if (!text("verdict", verdict)) return badInput("field event.verdict is missing");
    if (!text("operator", event.operatorId)) return badInput("field event.operator is missing");
    if (!text("detail", event.detail)) return badInput("field event.detail is missing");
    const auto parsedKind = storage::parseEventKind(kind);
    if (!parsedKind) return badInput("field event.kind is not a known kind");
    event.kind = *parsedKind;
    const auto parsedVerdict = storage::parseVerdict(verdict);
    if (!parsedVerdict) return badInput("field event.verdict is not a known verdict");
    event.verdict = *parsedVerdict;
    const auto reasons = body.find("reasons");
    if (reasons == body.end() || !reasons->is_array()) return badInput("field event.reasons is missing");
    for (const auto& reason : *reasons) {
        if (!reason.is_string()) return badInput("field event.reasons holds a non-string");
        event.reasons.push_back(reason.get<std::string>());
    }
    return event;
}

} // namespace doorpost::sync
