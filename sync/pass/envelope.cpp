#include "sync/pass/envelope.hpp"

#include "sync/pass/base45.hpp"
#include "sync/pass/zlib_codec.hpp"

namespace doorpost::sync::pass {

Envelope openEnvelope(std::string_view text, std::string_view prefix) {
    Envelope out;
    if (text.substr(0, prefix.size()) != prefix) {
        out.steps.unprefix = false;
        out.error = "prefix: text does not start with " + std::string(prefix);
        return out;
    }
    out.steps.unprefix = true;
    auto raw = base45Decode(text.substr(prefix.size()));
    out.steps.base45 = raw.ok();
    if (!raw) {
        out.error = raw.error().message;
        return out;
    }
    auto inflated = inflateZlib(*raw);
    out.steps.compression = inflated.ok();
    if (!inflated) {
        out.error = inflated.error().message;
        return out;
    }
    auto sign1 = parseCoseSign1(*inflated);
    out.steps.cose = sign1.ok();
    if (!sign1) {
        out.error = sign1.error().message;
        return out;
    }
    out.sign1 = std::move(*sign1);
    auto claims = cborDecode(out.sign1.payload);
    if (!claims) {
        out.steps.cbor = false;
        out.error = "claims: " + claims.error().message;
        return out;
    }
    if (claims->type != CborValue::Type::Map) {
        out.steps.cbor = false;
        out.error = "claims: CWT payload is not a map";
        return out;
    }
    out.steps.cbor = true;
    out.claims = std::move(*claims);
    return out;
}

std::string sealEnvelope(std::string_view prefix, std::span<const std::uint8_t> coseBytes) {
    return std::string(prefix) + base45Encode(deflateZlib(coseBytes));
}

} // namespace doorpost::sync::pass
