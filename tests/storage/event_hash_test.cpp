// Pins the hash format of docs/event-log.md: the export verifier and the central service
// recompute it, so a change here must be a deliberate, versioned one ("doorpost-log-v2").

#include "storage/event.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::storage;

namespace {

Event sample() {
    Event e;
    e.seq = 42;
    e.eventId = "00112233445566778899aabbccddeeff";
    e.epoch = "ffeeddccbbaa99887766554433221100";
    e.deviceId = "dev-0a1b2c3d";
    e.wallTimeMs = 1'764'223'200'000;
    e.monotonicMs = 123'456;
    e.bootId = "6f1c2e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6";
    e.kind = EventKind::Manual;
    e.credentialType = "id";
    e.subjectKey = "abcdef";
    e.maskedId = "1101**********123X";
    e.verdict = Verdict::Admit;
    e.reasons = {"manual_registration", "roster.member"};
    e.operatorId = "staff-7";
    e.detail = R"({"name":"张三","room":"A-101"})";
    e.prevHash = "0101010101010101010101010101010101010101010101010101010101010101";
    return e;
}

} // namespace

TEST_CASE("canonical() is the length-prefixed encoding of docs/event-log.md") {
    Event e;
    e.eventId = "ab";
    e.wallTimeMs = 1;
    e.monotonicMs = 2;
    e.bootId = "b";
    e.kind = EventKind::Scan;
    e.verdict = Verdict::None;
    e.reasons = {"r"};
    e.detail = "{}";
    const std::string expected = std::string("\0\0\0\2ab", 6) +        // event_id
                                 std::string("\0\0\0\0\0\0\0\1", 8) +  // wall_time_ms
                                 std::string("\0\0\0\0\0\0\0\2", 8) +  // monotonic_ms
                                 std::string("\0\0\0\1b", 5) +         // boot_id
                                 std::string("\0\0\0\4scan", 8) +      // kind
                                 std::string("\0\0\0\0", 4) +          // credential_type
                                 std::string("\0\0\0\0", 4) +          // subject_key
                                 std::string("\0\0\0\0", 4) +          // masked_id
                                 std::string("\0\0\0\0", 4) +          // verdict
                                 std::string("\0\0\0\1\0\0\0\1r", 9) + // reasons
                                 std::string("\0\0\0\0", 4) +          // operator
                                 std::string("\0\0\0\2{}", 6);         // detail
    CHECK(canonical(e) == expected);
}

TEST_CASE("eventHash matches an independent implementation of the spec") {
    // Computed with the Python reference in docs/event-log.md, not with this code.
    CHECK(eventHash(sample()) ==
          "380185e20ce02075a3cccaa2ee80a2dd6872a9179239c6e60dec20b97c9229cb");
}

TEST_CASE("Every field is covered by the hash") {
    const auto base = eventHash(sample());
    auto changed = [&](auto mutate) {
        Event e = sample();
        mutate(e);
        return eventHash(e) != base;
    };
    CHECK(changed([](Event& e) { e.seq = 43; }));
    CHECK(changed([](Event& e) { e.eventId[0] = '1'; }));
    CHECK(changed([](Event& e) { e.epoch[0] = '0'; }));
    CHECK(changed([](Event& e) { e.deviceId = "dev-0a1b2c3e"; }));
    CHECK(changed([](Event& e) { e.wallTimeMs += 1; }));
    CHECK(changed([](Event& e) { e.monotonicMs += 1; }));
    CHECK(changed([](Event& e) { e.bootId[0] = '7'; }));
    CHECK(changed([](Event& e) { e.kind = EventKind::Scan; }));
    CHECK(changed([](Event& e) { e.credentialType = "passport"; }));
    CHECK(changed([](Event& e) { e.subjectKey = "abcdee"; }));
    CHECK(changed([](Event& e) { e.maskedId = "1101**********1230"; }));
    CHECK(changed([](Event& e) { e.verdict = Verdict::Deny; }));
    CHECK(changed([](Event& e) { e.reasons.pop_back(); }));
    CHECK(changed([](Event& e) { e.reasons = {"manual_registrationroster.member"}; }));
    CHECK(changed([](Event& e) { e.operatorId = "staff-8"; }));
    CHECK(changed([](Event& e) { e.detail += " "; }));
    CHECK(changed([](Event& e) { e.prevHash[63] = '0'; }));
    // Moving bytes between neighbouring fields changes the hash (length prefixes).
    CHECK(changed([](Event& e) {
        e.credentialType = "ida";
        e.subjectKey = "bcdef";
    }));
}

TEST_CASE("eventHash refuses a malformed prev_hash") {
    Event e = sample();
    e.prevHash = "not hex";
    CHECK(eventHash(e).empty());
}
