#include "tests/fuzz/fuzz_entries.hpp"

#include "kiosk/credentials/dp1_verifier.hpp"
#include "kiosk/credentials/hc1_verifier.hpp"
#include "kiosk/credentials/ticket.hpp"
#include "kiosk/credentials/verify_code.hpp"
#include "storage/base/id_number.hpp"
#include "sync/pass/base45.hpp"
#include "sync/pass/cose.hpp"
#include "sync/pass/envelope.hpp"
#include "sync/pass/zlib_codec.hpp"

#include <array>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <string_view>

namespace doorpost::fuzz {
namespace {

std::string_view asText(Bytes data) {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// Invariants a fuzzer can check: a violated one aborts, which libFuzzer reports as a crash.
void require(bool condition) {
    if (!condition)
        std::abort();
}

// A fixed issuer key (seeded, so every run and the replay test agree) trusted for DP1.
struct FixedIssuer {
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> publicKey{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secretKey{};
    kiosk::credentials::TrustSet trust;
    FixedIssuer() {
        require(sodium_init() >= 0);
        std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
        seed.fill(0x42);
        crypto_sign_seed_keypair(publicKey.data(), secretKey.data(), seed.data());
        trust.passKeys.push_back(*kiosk::credentials::makePassKey(publicKey, "fuzz"));
    }
};

const FixedIssuer& issuer() {
    static const FixedIssuer instance;
    return instance;
}

// A DSC read from the DCC corpus in tests/data (common/CO3: EC P-256), so HC1 inputs can reach
// the signature step; without the test data the set is empty and HC1 stops at the kid.
const kiosk::credentials::TrustSet& hc1Trust() {
    static const kiosk::credentials::TrustSet trust = [] {
        kiosk::credentials::TrustSet set;
        std::ifstream in(std::string(DOORPOST_TEST_DATA) +
                         "/dgc-testdata/common/2DCode/raw/CO3.json");
        const auto json = nlohmann::json::parse(in, nullptr, false);
        if (!json.is_object())
            return set;
        const std::string certificate =
            json.value("TESTCTX", nlohmann::json::object()).value("CERTIFICATE", "");
        auto dsc = kiosk::credentials::parseDsc(std::span(
            reinterpret_cast<const std::uint8_t*>(certificate.data()), certificate.size()));
        if (dsc)
            set.dscs.push_back(std::move(*dsc));
        return set;
    }();
    return trust;
}

constexpr std::int64_t kClock = 1'620'064'800; // 2021-05-03T18:00Z, CO3's validation clock

} // namespace

void fuzzBase45(Bytes data) {
    auto decoded = sync::pass::base45Decode(asText(data));
    if (!decoded)
        return;
    // Round trip: what decodes re-encodes to the same text.
    require(sync::pass::base45Encode(*decoded) == asText(data));
}

void fuzzInflate(Bytes data) {
    auto inflated = sync::pass::inflateZlib(data, 4096);
    if (inflated)
        require(inflated->size() <= 4096);
}

void fuzzCbor(Bytes data) {
    auto value = sync::pass::cborDecode(data);
    if (!value)
        return;
    (void)value->asInt();
    (void)value->find(1);
    (void)value->find("v");
}

void fuzzCose(Bytes data) {
    auto sign1 = sync::pass::parseCoseSign1(data);
    if (!sign1)
        return;
    const auto toBeSigned = sync::pass::coseSigStructure(sign1->protectedBytes, sign1->payload);
    require(toBeSigned.size() > sign1->payload.size());
}

// Text starting with the prefix goes in as is; other bytes are sealed as the COSE layer, so
// the fuzzer explores the signed structure instead of breaking Base45 every time.
void fuzzDp1(Bytes data) {
    const std::string text = asText(data).substr(0, 4) == "DP1:"
                                 ? std::string(asText(data))
                                 : sync::pass::sealEnvelope("DP1:", data);
    const auto result = kiosk::credentials::verifyDp1(text, issuer().trust, kClock);
    // Nothing unsigned may come out valid.
    if (result.valid())
        require(result.checks.signature == true);
}

void fuzzHc1(Bytes data) {
    const std::string text = asText(data).substr(0, 4) == "HC1:"
                                 ? std::string(asText(data))
                                 : sync::pass::sealEnvelope("HC1:", data);
    const auto result = kiosk::credentials::verifyHc1(text, hc1Trust(), kClock);
    if (result.valid())
        require(result.checks.signature == true);
}

void fuzzTicket(Bytes data) {
    const std::string_view text = asText(data);
    if (auto number = kiosk::credentials::parseTicket(text))
        require(kiosk::credentials::validCandidateNumber(*number) || number->size() <= 16);
    // No subject secret: a resident ID gets no key (argon2id per input would starve the fuzzer).
    const kiosk::credentials::VerifyContext context{hc1Trust(), kClock, nullptr};
    (void)kiosk::credentials::verifyCode(text, context);
}

void fuzzIdNumber(Bytes data) {
    const std::string_view text = asText(data);
    for (auto type : {IdType::Resident, IdType::Passport, IdType::Permit, IdType::Other}) {
        auto checked = checkIdNumber(type, text);
        if (checked)
            require(maskIdNumber(checked->normalised) == checked->masked);
    }
    auto resident = checkResidentId(text);
    if (resident)
        require(residentIdCheckCharacter(resident->normalised.substr(0, 17)) ==
                resident->normalised[17]);
}

const std::map<std::string, Entry>& fuzzEntries() {
    static const std::map<std::string, Entry> entries = {
        {"base45", fuzzBase45}, {"inflate", fuzzInflate},   {"cbor", fuzzCbor},
        {"cose", fuzzCose},     {"dp1", fuzzDp1},           {"hc1", fuzzHc1},
        {"ticket", fuzzTicket}, {"id_number", fuzzIdNumber}};
    return entries;
}

} // namespace doorpost::fuzz
