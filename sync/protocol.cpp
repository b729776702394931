#include "sync/protocol.hpp"

#include "storage/base/hex.hpp"

#include <utility>

namespace doorpost::sync {
namespace {

using nlohmann::json;

// Field readers: each names the field it could not read, so a 400 says what was wrong.
Result<std::string> getString(const json& object, const char* field, bool required = true) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        if (required)
            return badInput(std::string("missing field ") + field);
        return std::string();
    }
    if (!it->is_string())
        return badInput(std::string("field ") + field + " must be a string");
    return it->get<std::string>();
}

Result<std::int64_t> getInt(const json& object, const char* field, bool required = true) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        if (required)
            return badInput(std::string("missing field ") + field);
        return std::int64_t{0};
    }
    if (!it->is_number_integer())
        return badInput(std::string("field ") + field + " must be an integer");
    return it->get<std::int64_t>();
}

Result<bool> getBool(const json& object, const char* field) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null())
        return false;
    if (!it->is_boolean())
        return badInput(std::string("field ") + field + " must be a boolean");
    return it->get<bool>();
}

Result<void> requireObject(const json& value, const char* what) {
    if (!value.is_object())
        return badInput(std::string(what) + " must be a JSON object");
    return {};
}

} // namespace

bool isHexHash(std::string_view text) {
    if (text.size() != 64)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

Result<nlohmann::json> parseJson(std::string_view text) {
    json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded())
        return badInput("body is not valid JSON");
    return parsed;
}

std::string dumpJson(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json toJson(const WireEvent& event) {
    json out{{"seq", event.seq}, {"hash", event.hash}, {"prev_hash", event.prevHash}};
    if (event.quarantined.empty())
        out["event"] = event.event;
    else
        out["quarantined"] = event.quarantined;
    return out;
}

json toJson(const PushRequest& request) {
    json events = json::array();
    for (const auto& event : request.events)
        events.push_back(toJson(event));
    return {
        {"epoch", request.epoch}, {"events", std::move(events)}, {"head_hash", request.headHash}};
}

json toJson(const Finding& finding) {
    return {{"seq", finding.seq},
            {"kind", finding.kind},
            {"subject_key", finding.subjectKey},
            {"other_device", finding.otherDevice},
            {"other_seq", finding.otherSeq},
            {"detail", finding.detail}};
}

json toJson(const PushResponse& response) {
    json findings = json::array();
    for (const auto& finding : response.findings)
        findings.push_back(toJson(finding));
    return {{"acked_through", response.ackedThrough},
            {"head_hash", response.headHash},
            {"findings", std::move(findings)}};
}

json toJson(const ErrorBody& body) {
    json out{{"error", body.error}};
    if (!body.field.empty())
        out["field"] = body.field;
    if (body.seq != 0)
        out["seq"] = body.seq;
    return out;
}

json toJson(const EnrolRequest& request) {
    return {{"device_key", request.deviceKey}, {"epoch", request.epoch}};
}

json toJson(const EnrolResponse& response) {
    json out = {{"device_id", response.deviceId}, {"set_key", response.setKey}};
    if (!response.subjectSecret.empty()) {
        out["subject_secret"] = response.subjectSecret;
        out["subject_key_version"] = response.subjectKeyVersion;
    }
    return out;
}

json toJson(const SetPage& page) {
    json upserts = json::array();
    for (const auto& item : page.upserts)
        upserts.push_back({{"key", item.key}, {"value", item.value}});
    return {{"set", page.set},
            {"cursor", page.cursor},
            {"next_cursor", page.nextCursor},
            {"snapshot", page.snapshot},
            {"after", page.after},
            {"next_after", page.nextAfter},
            {"more", page.more},
            {"valid_until", page.validUntil},
            {"upserts", std::move(upserts)},
            {"tombstones", page.tombstones},
            {"signature", page.signature}};
}

Result<WireEvent> wireEventFromJson(const json& value) {
    return wireEventFromJson(json(value));
}

Result<WireEvent> wireEventFromJson(json&& value) {
    if (auto ok = requireObject(value, "event record"); !ok)
        return ok.error();
    WireEvent event;
    auto seq = getInt(value, "seq");
    if (!seq)
        return seq.error();
    if (*seq <= 0)
        return badInput("field seq must be positive");
    event.seq = *seq;
    auto hash = getString(value, "hash");
    if (!hash)
        return hash.error();
    if (!isHexHash(*hash))
        return badInput("field hash must be 64 lowercase hex digits");
    event.hash = std::move(*hash);
    auto prev = getString(value, "prev_hash");
    if (!prev)
        return prev.error();
    if (!isHexHash(*prev))
        return badInput("field prev_hash must be 64 lowercase hex digits");
    event.prevHash = std::move(*prev);
    auto quarantined = getString(value, "quarantined", false);
    if (!quarantined)
        return quarantined.error();
    event.quarantined = std::move(*quarantined);
    if (event.quarantined.empty()) {
        const auto it = value.find("event");
        if (it == value.end() || !it->is_object())
            return badInput("field event must be an object");
        event.event = std::move(*it); // the push path parses ~500 of these a batch: no copies
    }
    return event;
}

Result<PushRequest> pushRequestFromJson(const json& value) {
    return pushRequestFromJson(json(value));
}

Result<PushRequest> pushRequestFromJson(json&& value) {
    if (auto ok = requireObject(value, "push body"); !ok)
        return ok.error();
    PushRequest request;
    auto epoch = getString(value, "epoch");
    if (!epoch)
        return epoch.error();
    if (epoch->empty() || epoch->size() > 128)
        return badInput("field epoch must be 1-128 characters");
    request.epoch = std::move(*epoch);
    const auto it = value.find("events");
    if (it == value.end() || !it->is_array())
        return badInput("field events must be an array");
    if (it->size() > kMaxEventsPerPush)
        return badInput("field events holds more than 500 records");
    request.events.reserve(it->size());
    for (auto& item : *it) {
        auto event = wireEventFromJson(std::move(item));
        if (!event)
            return event.error();
        request.events.push_back(std::move(*event));
    }
    auto head = getString(value, "head_hash", false);
    if (!head)
        return head.error();
    request.headHash = std::move(*head);
    return request;
}

Result<PushResponse> pushResponseFromJson(const json& value) {
    if (auto ok = requireObject(value, "push answer"); !ok)
        return ok.error();
    PushResponse response;
    auto acked = getInt(value, "acked_through");
    if (!acked)
        return acked.error();
    response.ackedThrough = *acked;
    auto head = getString(value, "head_hash", false);
    if (!head)
        return head.error();
    response.headHash = std::move(*head);
    const auto it = value.find("findings");
    if (it != value.end() && it->is_array()) {
        for (const auto& item : *it) {
            if (!item.is_object())
                return badInput("field findings holds a non-object");
            Finding finding;
            auto seq = getInt(item, "seq");
            auto kind = getString(item, "kind");
            auto subject = getString(item, "subject_key", false);
            auto other = getString(item, "other_device", false);
            auto otherSeq = getInt(item, "other_seq", false);
            auto detail = getString(item, "detail", false);
            if (!seq || !kind || !subject || !other || !otherSeq || !detail)
                return badInput("field findings holds a malformed finding");
            finding.seq = *seq;
            finding.kind = *kind;
            finding.subjectKey = *subject;
            finding.otherDevice = *other;
            finding.otherSeq = *otherSeq;
            finding.detail = *detail;
            response.findings.push_back(std::move(finding));
        }
    }
    return response;
}

Result<ErrorBody> errorBodyFromJson(const json& value) {
    if (auto ok = requireObject(value, "error body"); !ok)
        return ok.error();
    ErrorBody body;
    auto error = getString(value, "error");
    if (!error)
        return error.error();
    body.error = *error;
    auto field = getString(value, "field", false);
    if (field)
        body.field = *field;
    auto seq = getInt(value, "seq", false);
    if (seq)
        body.seq = *seq;
    return body;
}

Result<EnrolRequest> enrolRequestFromJson(const json& value) {
    if (auto ok = requireObject(value, "enrol body"); !ok)
        return ok.error();
    EnrolRequest request;
    auto key = getString(value, "device_key", false);
    if (!key)
        return key.error();
    if (key->size() > 256)
        return badInput("field device_key is too long");
    request.deviceKey = *key;
    auto epoch = getString(value, "epoch", false);
    if (!epoch)
        return epoch.error();
    request.epoch = *epoch;
    return request;
}

Result<EnrolResponse> enrolResponseFromJson(const json& value) {
    if (auto ok = requireObject(value, "enrol answer"); !ok)
        return ok.error();
    EnrolResponse response;
    auto device = getString(value, "device_id");
    if (!device)
        return device.error();
    response.deviceId = *device;
    auto key = getString(value, "set_key");
    if (!key)
        return key.error();
    response.setKey = *key;
    if (value.contains("subject_secret")) {
        auto secret = getString(value, "subject_secret");
        if (!secret)
            return secret.error();
        if (!isLowerHex(*secret, 64))
            return badInput("subject_secret: 64 lowercase hex digits expected");
        response.subjectSecret = *secret;
        if (value.contains("subject_key_version")) {
            auto version = getInt(value, "subject_key_version");
            if (!version)
                return version.error();
            response.subjectKeyVersion = static_cast<int>(*version);
        }
    }
    return response;
}

Result<SetPage> setPageFromJson(const json& value) {
    if (auto ok = requireObject(value, "set page"); !ok)
        return ok.error();
    SetPage page;
    auto set = getString(value, "set");
    auto cursor = getInt(value, "cursor");
    auto next = getInt(value, "next_cursor");
    auto snapshot = getBool(value, "snapshot");
    auto more = getBool(value, "more");
    auto after = getInt(value, "after", false);
    auto nextAfter = getInt(value, "next_after", false);
    if (!after)
        return after.error();
    if (!nextAfter)
        return nextAfter.error();
    page.after = *after;
    page.nextAfter = *nextAfter;
    auto validUntil = getString(value, "valid_until", false);
    auto signature = getString(value, "signature");
    if (!set)
        return set.error();
    if (!cursor)
        return cursor.error();
    if (!next)
        return next.error();
    if (!snapshot)
        return snapshot.error();
    if (!more)
        return more.error();
    if (!validUntil)
        return validUntil.error();
    if (!signature)
        return signature.error();
    page.set = *set;
    page.cursor = *cursor;
    page.nextCursor = *next;
    page.snapshot = *snapshot;
    page.more = *more;
    page.validUntil = *validUntil;
    page.signature = *signature;
    const auto upserts = value.find("upserts");
    if (upserts == value.end() || !upserts->is_array())
        return badInput("field upserts must be an array");
    page.upserts.reserve(upserts->size());
    for (const auto& item : *upserts) {
        if (!item.is_object())
            return badInput("field upserts holds a non-object");
        auto key = getString(item, "key");
        if (!key)
            return key.error();
        const auto v = item.find("value");
        if (v == item.end())
            return badInput("field upserts holds an item without value");
        page.upserts.push_back({std::move(*key), *v});
    }
    const auto tombstones = value.find("tombstones");
    if (tombstones == value.end() || !tombstones->is_array())
        return badInput("field tombstones must be an array");
    for (const auto& item : *tombstones) {
        if (!item.is_string())
            return badInput("field tombstones holds a non-string");
        page.tombstones.push_back(item.get<std::string>());
    }
    return page;
}

} // namespace doorpost::sync
