#pragma once
// The sync protocol's messages (DESIGN.md, "Sync protocol"), shared by the kiosk's sync worker
// and doorpost-central, with their JSON forms. Parsing never throws: malformed input is a
// BadInput error naming the field, which the central turns into a 400.

#include "storage/base/result.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync {

// Limits both ends agree on. The kiosk stays under them; the central answers 413 above them.
inline constexpr std::size_t kMaxEventsPerPush = 500;
inline constexpr std::size_t kMaxPushBytes = 256 * 1024;
// The central's hard cap on a request body: a little above kMaxPushBytes for the envelope.
inline constexpr std::size_t kMaxRequestBytes = kMaxPushBytes + 16 * 1024;

// One record of a device's hash chain as it travels. `event` is the record's canonical content
// (opaque to the transport); a quarantined record travels as a stub (no event, a reason) so the
// chain links stay checkable at the central while the content the central refused stays home.
struct WireEvent {
    std::int64_t seq = 0;
    std::string hash;     // lowercase hex SHA-256
    std::string prevHash; // lowercase hex SHA-256 of the previous record
    nlohmann::json event = nlohmann::json::object();
    std::string quarantined; // non-empty: the reason this record's content is withheld
};

struct PushRequest {
    std::string epoch;
    std::vector<WireEvent> events; // contiguous, ascending seq
    std::string headHash;          // hash of the last event in `events`
};

// A late finding the central reports about an event it accepted (DESIGN.md, "Reconcile").
struct Finding {
    std::int64_t seq = 0;   // the pushing device's record the finding is about
    std::string kind;       // "double_admission" | "revoked_pass_used"
    std::string subjectKey; // whom it concerns
    std::string otherDevice;
    std::int64_t otherSeq = 0;
    std::string detail;
};

struct PushResponse {
    std::int64_t ackedThrough = 0; // the contiguous prefix the central holds
    std::string headHash;          // hash of the record at ackedThrough
    std::vector<Finding> findings;
};

// Error bodies of every non-2xx answer: {"error": "...", "field": "...", "seq": N}.
struct ErrorBody {
    std::string error;
    std::string field;
    std::int64_t seq = 0; // the offending record, 0 when the batch as a whole is refused
};

struct EnrolRequest {
    std::string deviceKey; // the kiosk's Ed25519 public key, hex (may be empty)
    std::string epoch;
};

struct EnrolResponse {
    std::string deviceId;
    std::string setKey; // hex Ed25519 public key that signs every set page
    // The deployment's subject secret (sync/pass/subject_key.hpp), 64 hex; only ever in this
    // answer to an authenticated enrolment. Empty from a central that predates it.
    std::string subjectSecret;
    // Which subject key function the central derives with (pass::kSubjectKeyVersion): a kiosk
    // of another version would compute keys that match none of the central's. 0: not said (a
    // central before version 3).
    int subjectKeyVersion = 0;
};

// One page of a set (roster, denylist, keys, config) from `cursor` to `nextCursor`.
// A full snapshot (cursor 0) may span pages: they carry live items only, in version order; `after`
// is where this page starts in the snapshot and `nextAfter` where the next one starts (0: the
// snapshot is complete). Every snapshot page's nextCursor is the set's version when the snapshot
// began, so the delta that follows it catches whatever changed meanwhile.
struct SetItem {
    std::string key;
    nlohmann::json value;
};

struct SetPage {
    std::string set;
    std::int64_t cursor = 0;     // what the kiosk asked from
    std::int64_t nextCursor = 0; // the server's cursor after this page
    bool snapshot = false;       // cursor was 0: the kiosk replaces the whole set
    std::int64_t after = 0;      // snapshot pages: the position this page starts after
    std::int64_t nextAfter = 0;  // snapshot pages: where the next page starts, 0 when complete
    bool more = false;           // another page follows right away
    std::string validUntil;      // ISO 8601 UTC, empty when the set has none
    std::vector<SetItem> upserts;
    std::vector<std::string> tombstones;
    std::string signature; // hex Ed25519 over signedBytes(page)
};

nlohmann::json toJson(const WireEvent& event);
nlohmann::json toJson(const PushRequest& request);
nlohmann::json toJson(const Finding& finding);
nlohmann::json toJson(const PushResponse& response);
nlohmann::json toJson(const ErrorBody& body);
nlohmann::json toJson(const EnrolRequest& request);
nlohmann::json toJson(const EnrolResponse& response);
nlohmann::json toJson(const SetPage& page);

Result<WireEvent> wireEventFromJson(const nlohmann::json& json);
Result<WireEvent> wireEventFromJson(nlohmann::json&& json); // takes the event object over
Result<PushRequest> pushRequestFromJson(const nlohmann::json& json);
Result<PushRequest> pushRequestFromJson(nlohmann::json&& json);
Result<PushResponse> pushResponseFromJson(const nlohmann::json& json);
Result<ErrorBody> errorBodyFromJson(const nlohmann::json& json);
Result<EnrolRequest> enrolRequestFromJson(const nlohmann::json& json);
Result<EnrolResponse> enrolResponseFromJson(const nlohmann::json& json);
Result<SetPage> setPageFromJson(const nlohmann::json& json);

// Parses text into JSON without throwing.
Result<nlohmann::json> parseJson(std::string_view text);

// Compact one-line JSON; invalid UTF-8 is replaced rather than thrown on.
std::string dumpJson(const nlohmann::json& json);

bool isHexHash(std::string_view text); // 64 lowercase hex digits

} // namespace doorpost::sync
