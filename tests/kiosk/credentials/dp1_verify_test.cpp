#include "kiosk/credentials/dp1_verifier.hpp"
#include "sync/pass/base45.hpp"
#include "sync/pass/cose.hpp"
#include "sync/pass/envelope.hpp"
#include "sync/pass/zlib_codec.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <sodium.h>

using namespace doorpost;
using namespace doorpost::kiosk::credentials;
using namespace doorpost::sync::pass;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

struct Issuer {
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> publicKey{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secretKey{};
    Issuer() {
        REQUIRE(sodium_init() >= 0);
        crypto_sign_keypair(publicKey.data(), secretKey.data());
    }
    TrustSet trust() const {
        TrustSet set;
        set.passKeys.push_back(*makePassKey(publicKey, "test"));
        return set;
    }
};

Dp1Claims claims() {
    Dp1Claims c;
    c.issuer = "doorpost-central";
    c.passId = "P-0001";
    c.issuedAt = kNow - 3600;
    c.expiresAt = kNow + 3600;
    c.status = PassStatus::Green;
    c.idHash.assign(32, 0xAB);
    c.maskedId = "1101**********002X";
    return c;
}

// The COSE bytes inside a DP1 text, for tampering at the signed layer.
std::vector<std::uint8_t> coseOf(const std::string& text) {
    auto raw = base45Decode(std::string_view(text).substr(4));
    REQUIRE(raw);
    auto cose = inflateZlib(*raw);
    REQUIRE(cose);
    return *cose;
}

std::vector<Reason> reasonsOf(const std::string& text, const TrustSet& trust) {
    return verifyDp1(text, trust, kNow).problems;
}

} // namespace

TEST_CASE("an issued DP1 pass verifies", "[dp1]") {
    Issuer issuer;
    const auto text = issueDp1(claims(), issuer.secretKey);
    CHECK(text.rfind("DP1:", 0) == 0);
    const auto result = verifyDp1(text, issuer.trust(), kNow);
    INFO(result.message);
    CHECK(result.valid());
    CHECK(result.checks.signature == true);
    CHECK(result.checks.expiry == true);
    CHECK_FALSE(result.checks.keyUsage.has_value());
    CHECK(result.passId == "P-0001");
    CHECK(result.status == PassStatus::Green);
    CHECK(result.maskedId == "1101**********002X");
}

TEST_CASE("each broken DP1 pass gets its own reason", "[dp1]") {
    Issuer issuer;
    const TrustSet trust = issuer.trust();
    const auto good = issueDp1(claims(), issuer.secretKey);

    SECTION("one flipped bit in the signed payload") {
        auto cose = coseOf(good);
        auto parsed = parseCoseSign1(cose);
        REQUIRE(parsed);
        auto payload = parsed->payload;
        payload[payload.size() / 2] ^= 0x01;
        const auto text = sealEnvelope(
            "DP1:", buildCoseSign1(parsed->protectedBytes, payload, parsed->signature));
        const auto result = verifyDp1(text, trust, kNow);
        // The flip may land in a claim's structure or its value; either way it must not pass
        // and a value flip must be a bad signature.
        CHECK_FALSE(result.valid());
        CHECK(result.problems.front() ==
              (result.checks.cbor == true ? Reason::BadSignature : Reason::CredentialMalformed));
    }
    SECTION("one flipped bit in the signature") {
        auto parsed = parseCoseSign1(coseOf(good));
        REQUIRE(parsed);
        auto signature = parsed->signature;
        signature[5] ^= 0x80;
        const auto text = sealEnvelope(
            "DP1:", buildCoseSign1(parsed->protectedBytes, parsed->payload, signature));
        CHECK(reasonsOf(text, trust) == std::vector{Reason::BadSignature});
    }
    SECTION("one flipped bit in the QR text") {
        std::string text = good;
        text[text.size() / 2] = text[text.size() / 2] == 'A' ? 'B' : 'A';
        CHECK_FALSE(verifyDp1(text, trust, kNow).valid());
    }
    SECTION("expired") {
        auto c = claims();
        c.expiresAt = kNow - 1;
        CHECK(reasonsOf(issueDp1(c, issuer.secretKey), trust) == std::vector{Reason::PassExpired});
    }
    SECTION("not yet valid") {
        auto c = claims();
        c.issuedAt = kNow + kDp1ClockSkewSeconds + 60;
        c.expiresAt = kNow + 86400;
        CHECK(reasonsOf(issueDp1(c, issuer.secretKey), trust) ==
              std::vector{Reason::PassNotYetValid});
    }
    SECTION("unknown kid") {
        Issuer stranger;
        CHECK(reasonsOf(issueDp1(claims(), stranger.secretKey), trust) ==
              std::vector{Reason::UnknownKey});
    }
    SECTION("revoked on the deny list") {
        TrustSet denied = trust;
        denied.deniedPassIds.insert("P-0001");
        CHECK(reasonsOf(good, denied) == std::vector{Reason::PassRevoked});
    }
    SECTION("wrong algorithm") {
        auto parsed = parseCoseSign1(coseOf(good));
        REQUIRE(parsed);
        // Same kid, same key, but the header claims ES256: refused before any key is tried.
        const auto protectedBytes = coseProtectedHeader(kCoseAlgEs256, parsed->kid);
        const auto toSign = coseSigStructure(protectedBytes, parsed->payload);
        std::array<std::uint8_t, crypto_sign_BYTES> signature{};
        crypto_sign_detached(signature.data(), nullptr, toSign.data(), toSign.size(),
                             issuer.secretKey.data());
        const auto text =
            sealEnvelope("DP1:", buildCoseSign1(protectedBytes, parsed->payload, signature));
        CHECK(reasonsOf(text, trust) == std::vector{Reason::WrongAlgorithm});
    }
    SECTION("an HC1 prefix is not a DP1 pass") {
        const auto result = verifyDp1("HC1:" + good.substr(4), trust, kNow);
        CHECK(result.checks.unprefix == false);
        CHECK(result.problems == std::vector{Reason::CredentialMalformed});
    }
}
