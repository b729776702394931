#include "sync/pass/cwt.hpp"

#include <cmath>

namespace doorpost::sync::pass {
namespace {

Result<std::optional<std::int64_t>> readTime(const CborValue& claims, std::int64_t label,
                                             const char* name) {
    const CborValue* value = claims.find(label);
    if (!value)
        return std::optional<std::int64_t>{};
    if (auto integer = value->asInt())
        return std::optional<std::int64_t>{*integer};
    if (value->type == CborValue::Type::Float && std::isfinite(value->floating) &&
        std::fabs(value->floating) < 1e15)
        return std::optional<std::int64_t>{static_cast<std::int64_t>(value->floating)};
    return badInput(std::string("cwt: ") + name + " is not a NumericDate");
}

Result<std::optional<std::string>> readText(const CborValue& claims, std::int64_t label,
                                            const char* name) {
    const CborValue* value = claims.find(label);
    if (!value)
        return std::optional<std::string>{};
    if (value->type != CborValue::Type::Text)
        return badInput(std::string("cwt: ") + name + " is not a text string");
    return std::optional<std::string>{value->text};
}

} // namespace

Result<CwtClaims> readCwtClaims(const CborValue& claims) {
    if (claims.type != CborValue::Type::Map)
        return badInput("cwt: claims are not a map");
    CwtClaims out;
    auto iss = readText(claims, kCwtIss, "iss");
    if (!iss)
        return iss.error();
    out.issuer = *iss;
    auto sub = readText(claims, kCwtSub, "sub");
    if (!sub)
        return sub.error();
    out.subject = *sub;
    auto exp = readTime(claims, kCwtExp, "exp");
    if (!exp)
        return exp.error();
    out.expiresAt = *exp;
    auto nbf = readTime(claims, kCwtNbf, "nbf");
    if (!nbf)
        return nbf.error();
    out.notBefore = *nbf;
    auto iat = readTime(claims, kCwtIat, "iat");
    if (!iat)
        return iat.error();
    out.issuedAt = *iat;
    return out;
}

} // namespace doorpost::sync::pass
