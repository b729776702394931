#include "sync/pass/cose.hpp"

namespace doorpost::sync::pass {

Result<CoseSign1> parseCoseSign1(std::span<const std::uint8_t> bytes) {
    auto decoded = cborDecode(bytes);
    if (!decoded)
        return decoded.error();
    const CborValue* node = &*decoded;
    if (node->type == CborValue::Type::Tag && node->number == 61)
        node = &node->items[0];
    if (node->type == CborValue::Type::Tag) {
        if (node->number != 18)
            return badInput("cose: unexpected tag " + std::to_string(node->number));
        node = &node->items[0];
    }
    if (node->type != CborValue::Type::Array || node->items.size() != 4)
        return badInput("cose: COSE_Sign1 is not an array of four items");
    const auto& items = node->items;
    if (items[0].type != CborValue::Type::Bytes)
        return badInput("cose: protected header not bstr");
    if (items[1].type != CborValue::Type::Map)
        return badInput("cose: unprotected header not map");
    if (items[2].type != CborValue::Type::Bytes)
        return badInput("cose: payload not bstr");
    if (items[3].type != CborValue::Type::Bytes)
        return badInput("cose: signature not bstr");

    CoseSign1 out;
    out.protectedBytes = items[0].bytes;
    if (out.protectedBytes.empty()) {
        out.protectedHeader.type = CborValue::Type::Map;
    } else {
        auto header = cborDecode(out.protectedBytes);
        if (!header)
            return badInput("cose: protected header: " + header.error().message);
        if (header->type != CborValue::Type::Map)
            return badInput("cose: protected header is not a map");
        out.protectedHeader = std::move(*header);
    }
    out.unprotectedHeader = items[1];
    out.payload = items[2].bytes;
    out.signature = items[3].bytes;

    // alg belongs in the protected header; issuers in the DCC corpus (common/CO20) put it in
    // the unprotected one, and verifiers accept that. It is safe because the verifier, not
    // the header, decides which algorithms a key may be used with.
    const CborValue* alg = out.protectedHeader.find(kCoseHeaderAlg);
    out.algProtected = alg != nullptr;
    if (!alg)
        alg = out.unprotectedHeader.find(kCoseHeaderAlg);
    if (alg) {
        if (!alg->asInt())
            return badInput("cose: alg is not an integer");
        out.alg = alg->asInt();
    }
    const CborValue* kid = out.protectedHeader.find(kCoseHeaderKid);
    out.kidProtected = kid != nullptr;
    if (!kid)
        kid = out.unprotectedHeader.find(kCoseHeaderKid);
    if (kid) {
        if (kid->type != CborValue::Type::Bytes)
            return badInput("cose: kid is not a bstr");
        out.kid = kid->bytes;
    }
    return out;
}

std::vector<std::uint8_t> coseSigStructure(std::span<const std::uint8_t> protectedBytes,
                                           std::span<const std::uint8_t> payload) {
    CborWriter writer;
    writer.arrayHeader(4).text("Signature1").bytes(protectedBytes).bytes({}).bytes(payload);
    return writer.take();
}

std::vector<std::uint8_t> coseProtectedHeader(std::int64_t alg, std::span<const std::uint8_t> kid) {
    CborWriter writer;
    writer.mapHeader(2).integer(kCoseHeaderAlg).integer(alg).integer(kCoseHeaderKid).bytes(kid);
    return writer.take();
}

std::vector<std::uint8_t> buildCoseSign1(std::span<const std::uint8_t> protectedBytes,
                                         std::span<const std::uint8_t> payload,
                                         std::span<const std::uint8_t> signature) {
    CborWriter writer;
    writer.tag(18)
        .arrayHeader(4)
        .bytes(protectedBytes)
        .mapHeader(0)
        .bytes(payload)
        .bytes(signature);
    return writer.take();
}

} // namespace doorpost::sync::pass
