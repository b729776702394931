// "What it must show" 1: every case of the EU DCC public test corpus with an image and
// EXPECTEDVERIFY, with its DSC trusted and the clock at its VALIDATIONCLOCK, agrees with every
// flag it states; the common/ negative suite fails at the step each file names; nothing crashes.

#include "kiosk/credentials/hc1_verifier.hpp"
#include "storage/base/iso_time.hpp"
#include "tests/kiosk/credentials/dgc_corpus.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::kiosk::credentials;
using doorpost::kiosk::credentials::testing::CorpusCase;

namespace {

const std::filesystem::path kCorpus = std::filesystem::path(DOORPOST_TEST_DATA) / "dgc-testdata";

// The step order of the pipeline; a null step after an earlier false one was not reached.
bool earlierStepFailed(const Checks& c, const std::string& flag) {
    const std::vector<std::pair<std::string, std::optional<bool>>> order = {
        {"EXPECTEDPICTUREDECODE", c.pictureDecode},
        {"EXPECTEDUNPREFIX", c.unprefix},
        {"EXPECTEDB45DECODE", c.base45},
        {"EXPECTEDCOMPRESSION", c.compression},
        {"EXPECTEDDECODE", c.cose},
        {"EXPECTEDDECODE", c.cbor},
        {"EXPECTEDVERIFY", c.signature},
        {"EXPECTEDEXPIRATIONCHECK", c.expiry},
        {"EXPECTEDKEYUSAGE", c.keyUsage}};
    for (const auto& [name, value] : order) {
        if (name == flag)
            return false;
        if (value == false)
            return true;
    }
    return false;
}

struct Outcome {
    CredentialResult result;
    bool trusted = false;
};

// Verifies `text` (the corpus PREFIX, or what the picture decoded to) as the kiosk would.
Outcome run(const CorpusCase& c, const std::optional<std::string>& text = std::nullopt) {
    TrustSet trust;
    auto dsc = parseDsc(std::span(reinterpret_cast<const std::uint8_t*>(c.certificate.data()),
                                  c.certificate.size()));
    if (dsc)
        trust.dscs.push_back(std::move(*dsc));
    auto clock = doorpost::parseIsoTime(c.validationClock);
    REQUIRE(clock);
    return {verifyHc1(text ? *text : c.prefix, trust, *clock), dsc.ok()};
}

// The door's path: the picture is decoded first; nothing after an unreadable picture runs.
Outcome runPicture(const CorpusCase& c, const std::filesystem::path& scratch) {
    const auto picture = testing::decodePicture(c, scratch);
    if (!picture.hadImage)
        return run(c); // no picture in the case: its PREFIX text
    if (!picture.text) {
        Outcome outcome;
        outcome.result.checks.pictureDecode = false;
        outcome.result.fail(Reason::CredentialMalformed, "picture: no code read");
        return outcome;
    }
    Outcome outcome = run(c, picture.text);
    outcome.result.checks.pictureDecode = true;
    return outcome;
}

struct Scratch {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("doorpost-corpus-" + std::to_string(::getpid()));
    Scratch() { std::filesystem::create_directories(path); }
    ~Scratch() { std::filesystem::remove_all(path); }
};

} // namespace

TEST_CASE("DCC corpus: every case with an image and EXPECTEDVERIFY agrees", "[hc1][corpus]") {
    const auto cases = testing::loadCorpus(kCorpus);
    // tests/data keeps 207 of the corpus's 473 cases (tests/data/README.md: all of common/ and
    // of 23 countries, 36 of NL's 288 generated ones). The bounds were set below the full
    // corpus's counts (473 cases, 436 checked, 3328 flags); on the subset they are its exact
    // counts, so a case that stops loading or a flag that stops being compared fails here.
    REQUIRE(cases.size() >= 207);
    // Disagreements, each with its reason (also in the credentials report):
    //  - IS/3 states EXPECTEDKEYUSAGE false for a DSC whose only extended key usage is the
    //    ICAO document signer OID 2.23.136.1.1.14.2; the DCC rule (a DSC naming none of the
    //    DCC OIDs may sign every type) makes it pass. Its own description says "valid".
    //  - PL/*/6 states EXPECTEDKEYUSAGE true although EXPECTEDVERIFY is false: the pass is
    //    signed by a DSC that is not trusted, so there is no certificate to check usage on.
    const std::set<std::string> known = {
        "IS/3 EXPECTEDKEYUSAGE", "PL/1.0.0/2DCode/6 EXPECTEDKEYUSAGE",
        "PL/1.2.1/2DCode/6 EXPECTEDKEYUSAGE", "PL/1.3.0/2DCode/6 EXPECTEDKEYUSAGE"};
    std::set<std::string> disagreements;
    Scratch scratch;
    int checkedCases = 0;
    int checkedFlags = 0;
    for (const auto& c : cases) {
        if (!(c.image || c.embeddedImage) || !c.expected.count("EXPECTEDVERIFY"))
            continue;
        ++checkedCases;
        const auto outcome = runPicture(c, scratch.path);
        INFO(c.name << ": " << outcome.result.message);
        if (outcome.result.checks.pictureDecode == true)
            REQUIRE(outcome.trusted);
        for (const auto& [flag, expected] : c.expected) {
            if (!testing::kioskHasStep(flag))
                continue; // schema, JSON, encode
            const auto reported = testing::reportedFlag(outcome.result.checks, flag);
            ++checkedFlags;
            const bool agrees = reported
                                    ? *reported == expected
                                    : !expected && earlierStepFailed(outcome.result.checks, flag);
            if (!agrees)
                disagreements.insert(c.name + " " + flag);
        }
    }
    CHECK(checkedCases >= 170);
    CHECK(checkedFlags >= 1210);
    CHECK(disagreements == known);
}

TEST_CASE("DCC corpus: the common/ negative suite fails at the named step", "[hc1][corpus]") {
    // The step each test id names (BasicDgcTestsList.md) and the check that must be false.
    const std::map<std::string, std::string> named = {
        {"H1", "unprefix"},    {"H2", "unprefix"},       {"H3", "unprefix"},
        {"B1", "base45"},      {"Z1", "compression"},    {"Z2", "compression"},
        {"CBO1", "decode"},    {"CBO2", "decode"},       {"CO5", "signature"},
        {"CO6", "key_usage"},  {"CO7", "key_usage"},     {"CO8", "key_usage"},
        {"CO9", "key_usage"},  {"CO10", "key_usage"},    {"CO11", "key_usage"},
        {"CO16", "expiry"},    {"CO17", "expiry"},       {"CO22", "signature"},
        {"CO23", "signature"}, {"Q1", "picture_decode"}, {"DGC1", "schema"},
        {"DGC2", "schema"}};
    Scratch scratch;
    int seen = 0;
    for (const auto& c : testing::loadCorpus(kCorpus / "common")) {
        const std::string id = c.path.stem().string();
        const auto it = named.find(id);
        if (it == named.end())
            continue; // the valid cases
        ++seen;
        const auto outcome = runPicture(c, scratch.path);
        const Checks& k = outcome.result.checks;
        INFO(id << ": " << outcome.result.message);
        CHECK_FALSE(outcome.result.valid());
        const std::string& step = it->second;
        if (step == "picture_decode")
            CHECK(k.pictureDecode == false);
        if (step != "picture_decode" && (c.image || c.embeddedImage))
            CHECK(k.pictureDecode == true);
        if (step == "unprefix")
            CHECK(k.unprefix == false);
        if (step == "base45")
            CHECK(k.base45 == false);
        if (step == "compression")
            CHECK(k.compression == false);
        if (step == "decode")
            CHECK((k.cose == false || k.cbor == false));
        if (step == "signature")
            CHECK(k.signature == false);
        if (step == "expiry")
            CHECK(k.expiry == false);
        if (step == "key_usage")
            CHECK(k.keyUsage == false);
        // Every step before the named one passed: it failed there, not earlier.
        if (step != "unprefix" && step != "picture_decode")
            CHECK(k.unprefix == true);
        if (step == "signature" || step == "expiry" || step == "key_usage")
            CHECK((k.cose == true && k.cbor == true));
        if (step == "key_usage" || step == "schema")
            CHECK(k.signature == true);
        // Doorpost checks the DGC's shape (one certificate type, ver, nam, dob), not the full
        // JSON schema; DGC1 (no dob, no certificate) and DGC2 (v, t and r) fail it.
        if (step == "schema")
            CHECK(std::count(outcome.result.problems.begin(), outcome.result.problems.end(),
                             Reason::ClaimsInvalid) == 1);
    }
    CHECK(seen == static_cast<int>(named.size()));
}

TEST_CASE("DCC corpus: no input crashes, trusted or not, at any clock", "[hc1][corpus]") {
    TrustSet empty;
    for (const auto& c : testing::loadCorpus(kCorpus)) {
        const auto outcome = run(c);
        CHECK(outcome.result.kind == CredentialKind::Hc1);
        const auto untrusted = verifyHc1(c.prefix, empty, 0);
        CHECK_FALSE(untrusted.valid());
    }
}
