#include "sync/peer/peer_answer.hpp"

#include "sync/event_wire.hpp"
#include "sync/peer/peer_wire.hpp"

namespace doorpost::sync::peer {

std::string answerBody(const std::string& device, const std::string& epoch,
                       const std::string& nonce, std::int64_t headSeq, const std::string& headHash,
                       const std::vector<storage::Event>& events) {
    // Keys sorted, as nlohmann writes them, though nothing depends on it: the signature covers
    // the bytes as sent, never a re-serialisation.
    std::string body =
        R"({"device":)" + dumpJson(device) + R"(,"epoch":)" + dumpJson(epoch) + R"(,"events":[)";
    const std::string tail = R"(],"head_hash":)" + dumpJson(headHash) + R"(,"head_seq":)" +
                             std::to_string(headSeq) + R"(,"nonce":)" + dumpJson(nonce) + "}";
    std::string text;
    std::size_t count = 0;
    for (const storage::Event& event : events) {
        text.clear();
        if (!appendWireJson(text, event, ""))
            text = dumpJson(toJson(toWire(event)));
        if (count > 0 && body.size() + text.size() + tail.size() > kMaxAnswerEventBytes)
            break;
        if (count > 0)
            body += ',';
        body += text;
        if (++count == kMaxAnswerEvents)
            break;
    }
    return body + tail;
}

Result<ChainAnswer> parseAnswer(std::string_view body) {
    auto parsed = parseJson(body);
    if (!parsed)
        return parsed.error();
    nlohmann::json& json = *parsed;
    if (!json.is_object())
        return badInput("answer: not a JSON object");
    ChainAnswer answer;
    auto text = [&](const char* field, std::string& out) -> bool {
        const auto it = json.find(field);
        if (it == json.end() || !it->is_string())
            return false;
        out = it->get<std::string>();
        return true;
    };
    if (!text("device", answer.device))
        return badInput("answer field device is missing");
    if (!text("epoch", answer.epoch))
        return badInput("answer field epoch is missing");
    if (!text("nonce", answer.nonce))
        return badInput("answer field nonce is missing");
    if (!text("head_hash", answer.headHash))
        return badInput("answer field head_hash is missing");
    const auto seq = json.find("head_seq");
    if (seq == json.end() || !seq->is_number_integer() || seq->get<std::int64_t>() < 0)
        return badInput("answer field head_seq is missing");
    answer.headSeq = seq->get<std::int64_t>();
    const auto events = json.find("events");
    if (events == json.end() || !events->is_array())
        return badInput("answer field events is missing");
    if (events->size() > kMaxAnswerEvents)
        return badInput("answer carries more than " + std::to_string(kMaxAnswerEvents) + " events");
    answer.events.reserve(events->size());
    for (auto& item : *events) {
        auto wire = wireEventFromJson(std::move(item));
        if (!wire)
            return badInput("answer event: " + wire.error().message);
        answer.events.push_back(std::move(*wire));
    }
    return answer;
}

Result<std::vector<storage::PeerRecord>> recordsOf(const ChainAnswer& answer,
                                                   const std::string& device,
                                                   const std::string& nonce,
                                                   std::int64_t firstSeq) {
    if (answer.device != device)
        return badInput("answer names door " + answer.device.substr(0, kMaxDeviceIdBytes) +
                        ", not " + device);
    if (answer.nonce != nonce)
        return badInput("answer carries another request's nonce (a replay)");
    if (!parseChainQuery(answer.epoch, "0", "0") || answer.epoch.empty())
        return badInput("answer field epoch: not 32 lowercase hex chars");
    if (!isHexHash(answer.headHash))
        return badInput("answer field head_hash: not a hash");
    std::vector<storage::PeerRecord> records;
    records.reserve(answer.events.size());
    std::int64_t expected = firstSeq;
    for (const WireEvent& wire : answer.events) {
        if (!wire.quarantined.empty())
            return badInput("answer event " + std::to_string(wire.seq) + " is withheld");
        if (wire.seq != expected)
            return badInput("answer event " + std::to_string(wire.seq) + " where " +
                            std::to_string(expected) + " was due");
        if (wire.seq > answer.headSeq)
            return badInput("answer event " + std::to_string(wire.seq) + " beyond its head " +
                            std::to_string(answer.headSeq));
        auto event = fromWire(wire, answer.epoch);
        if (!event)
            return badInput("answer event " + std::to_string(wire.seq) + ": " +
                            event.error().message);
        records.push_back({std::move(*event), dumpJson(toJson(wire))});
        ++expected;
    }
    return records;
}

} // namespace doorpost::sync::peer
