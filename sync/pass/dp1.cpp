#include "sync/pass/dp1.hpp"

#include "sync/pass/cose.hpp"
#include "sync/pass/cwt.hpp"
#include "sync/pass/envelope.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <sodium.h>

namespace doorpost::sync::pass {

std::string_view passStatusName(PassStatus status) {
    switch (status) {
    case PassStatus::Green:
        return "green";
    case PassStatus::Yellow:
        return "yellow";
    case PassStatus::Red:
        return "red";
    }
    return "red";
}

Result<PassStatus> parsePassStatus(std::string_view name) {
    if (name == "green")
        return PassStatus::Green;
    if (name == "yellow")
        return PassStatus::Yellow;
    if (name == "red")
        return PassStatus::Red;
    return badInput("status: expected green, yellow or red, got '" + std::string(name) + "'");
}

KeyId ed25519KeyId(std::span<const std::uint8_t> publicKey) {
    std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), publicKey.data(), publicKey.size());
    KeyId id{};
    std::copy_n(digest.begin(), id.size(), id.begin());
    return id;
}

std::vector<std::uint8_t> encodeDp1Claims(const Dp1Claims& claims) {
    CborWriter writer;
    writer.mapHeader(7);
    writer.integer(kCwtIss).text(claims.issuer);
    writer.integer(kCwtSub).text(claims.passId);
    writer.integer(kCwtExp).integer(claims.expiresAt);
    writer.integer(kCwtIat).integer(claims.issuedAt);
    writer.integer(kDp1Status).text(passStatusName(claims.status));
    writer.integer(kDp1IdHash).bytes(claims.idHash);
    writer.integer(kDp1MaskedId).text(claims.maskedId);
    return writer.take();
}

std::string issueDp1(const Dp1Claims& claims, std::span<const std::uint8_t> secretKey) {
    assert(secretKey.size() == crypto_sign_SECRETKEYBYTES);
    if (sodium_init() < 0)
        std::abort(); // idempotent; fails only without an entropy source
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> publicKey{};
    crypto_sign_ed25519_sk_to_pk(publicKey.data(), secretKey.data());
    const KeyId kid = ed25519KeyId(publicKey);
    const auto protectedBytes = coseProtectedHeader(kCoseAlgEdDsa, kid);
    const auto payload = encodeDp1Claims(claims);
    const auto toSign = coseSigStructure(protectedBytes, payload);
    std::array<std::uint8_t, crypto_sign_BYTES> signature{};
    crypto_sign_detached(signature.data(), nullptr, toSign.data(), toSign.size(), secretKey.data());
    return sealEnvelope(kDp1Prefix, buildCoseSign1(protectedBytes, payload, signature));
}

Result<Dp1Claims> readDp1Claims(const CborValue& claims) {
    auto cwt = readCwtClaims(claims);
    if (!cwt)
        return cwt.error();
    Dp1Claims out;
    if (!cwt->issuer)
        return badInput("dp1: iss missing");
    if (!cwt->subject)
        return badInput("dp1: sub (pass id) missing");
    if (!cwt->expiresAt)
        return badInput("dp1: exp missing");
    if (!cwt->issuedAt)
        return badInput("dp1: iat missing");
    out.issuer = *cwt->issuer;
    out.passId = *cwt->subject;
    out.expiresAt = *cwt->expiresAt;
    out.issuedAt = *cwt->issuedAt;
    const CborValue* status = claims.find(kDp1Status);
    if (!status || status->type != CborValue::Type::Text)
        return badInput("dp1: status missing");
    auto parsed = parsePassStatus(status->text);
    if (!parsed)
        return badInput("dp1: " + parsed.error().message);
    out.status = *parsed;
    const CborValue* idHash = claims.find(kDp1IdHash);
    if (!idHash || idHash->type != CborValue::Type::Bytes || idHash->bytes.size() != 32)
        return badInput("dp1: id hash missing or not 32 bytes");
    out.idHash = idHash->bytes;
    const CborValue* masked = claims.find(kDp1MaskedId);
    if (!masked || masked->type != CborValue::Type::Text)
        return badInput("dp1: masked id missing");
    out.maskedId = masked->text;
    return out;
}

} // namespace doorpost::sync::pass
