#include "kiosk/credentials/hc1_verifier.hpp"

#include "kiosk/credentials/signature_check.hpp"
#include "storage/base/hex.hpp"
#include "sync/pass/cwt.hpp"
#include "sync/pass/envelope.hpp"
#include "sync/pass/subject_key.hpp"

#include <algorithm>

namespace doorpost::kiosk::credentials {
namespace {

using sync::pass::CborValue;

constexpr std::int64_t kClaimHcert = -260;

void copySteps(const sync::pass::EnvelopeSteps& steps, Checks& checks) {
    checks.unprefix = steps.unprefix;
    checks.base45 = steps.base45;
    checks.compression = steps.compression;
    checks.cose = steps.cose;
    checks.cbor = steps.cbor;
}

// The certificate types present in the DGC: "v", "t", "r" with a non-empty array each.
std::vector<std::string_view> certificateTypes(const CborValue* dgc) {
    std::vector<std::string_view> types;
    if (!dgc)
        return types;
    for (std::string_view key : {"v", "t", "r"}) {
        const CborValue* entries = dgc->find(key);
        if (entries && entries->type == CborValue::Type::Array && !entries->items.empty())
            types.push_back(key);
    }
    return types;
}

// DCC rule: a DSC that states any of the three DCC usages may sign only those types; a DSC
// that states none of them may sign every type.
bool keyUsageAllows(const TrustedDsc& dsc, const std::vector<std::string_view>& types) {
    const auto has = [&dsc](std::string_view type) {
        const std::string_view oid = type == "t"   ? kOidDccTest
                                     : type == "v" ? kOidDccVaccination
                                                   : kOidDccRecovery;
        const std::string_view alias = type == "t"   ? kOidDccTestAlias
                                       : type == "v" ? kOidDccVaccinationAlias
                                                     : kOidDccRecoveryAlias;
        return std::any_of(
            dsc.extendedKeyUsages.begin(), dsc.extendedKeyUsages.end(),
            [&](const std::string& usage) { return usage == oid || usage == alias; });
    };
    if (!has("t") && !has("v") && !has("r"))
        return true;
    return std::all_of(types.begin(), types.end(), has);
}

void readHolder(const CborValue* dgc, CredentialResult& result) {
    if (!dgc)
        return;
    for (std::string_view type : {"v", "t", "r"}) {
        const CborValue* entries = dgc->find(type);
        if (!entries || entries->type != CborValue::Type::Array || entries->items.empty())
            continue;
        const CborValue* ci = entries->items[0].find("ci");
        if (ci && ci->type == CborValue::Type::Text)
            result.passId = ci->text.substr(0, 128);
    }
    const CborValue* name = dgc->find("nam");
    const CborValue* standardised = name ? name->find("fnt") : nullptr;
    if (standardised && standardised->type == CborValue::Type::Text && !standardised->text.empty())
        result.maskedId = standardised->text.substr(0, 1) + "***";
}

} // namespace

CredentialResult verifyHc1(std::string_view text, const TrustSet& trust, std::int64_t now) {
    CredentialResult result;
    result.kind = CredentialKind::Hc1;
    auto envelope = sync::pass::openEnvelope(text, kHc1Prefix);
    // For HC1 the CBOR step includes the CWT shape: typed claims and an hcert with a DGC map.
    auto cwt = sync::pass::readCwtClaims(envelope.claims);
    const CborValue* hcert = envelope.claims.find(kClaimHcert);
    const CborValue* dgc = hcert ? hcert->find(1) : nullptr;
    if (envelope.ok() && (!cwt || !dgc || dgc->type != CborValue::Type::Map)) {
        envelope.steps.cbor = false;
        envelope.error =
            cwt ? "claims: no hcert (-260) holding a DGC map (1)" : cwt.error().message;
    }
    copySteps(envelope.steps, result.checks);
    if (!envelope.ok()) {
        result.fail(Reason::CredentialMalformed, envelope.error);
        return result;
    }
    const auto& sign1 = envelope.sign1;
    if (cwt->issuer)
        result.issuer = cwt->issuer->substr(0, 16);
    result.expiresAt = cwt->expiresAt;
    readHolder(dgc, result);
    if (!result.passId.empty())
        result.subjectKey = toHex(sync::pass::plainSubjectKey("hc1:" + result.passId, "hc1"));

    // Signature: every trusted DSC with this kid is tried (8-byte kids collide, and countries
    // have published several DSCs under one kid).
    const auto toBeSigned = sync::pass::coseSigStructure(sign1.protectedBytes, sign1.payload);
    const TrustedDsc* signer = nullptr;
    bool algorithmMismatch = false;
    bool kidKnown = false;
    const bool algorithmAllowed = sign1.alg && (*sign1.alg == sync::pass::kCoseAlgEs256 ||
                                                *sign1.alg == sync::pass::kCoseAlgPs256);
    if (algorithmAllowed && sign1.kid.size() == sync::pass::kKeyIdSize) {
        for (const TrustedDsc& dsc : trust.dscs) {
            if (!std::equal(dsc.kid.begin(), dsc.kid.end(), sign1.kid.begin()))
                continue;
            kidKnown = true;
            const auto outcome =
                verifyCoseSignature(*sign1.alg, dsc.publicKey.get(), toBeSigned, sign1.signature);
            if (outcome == SignatureOutcome::Valid) {
                signer = &dsc;
                break;
            }
            if (outcome == SignatureOutcome::KeyTypeMismatch)
                algorithmMismatch = true;
        }
    }
    result.checks.signature = signer != nullptr;
    if (!algorithmAllowed)
        result.fail(Reason::WrongAlgorithm, "signature: algorithm is not ES256 or PS256");
    else if (!kidKnown)
        result.fail(Reason::UnknownKey, "signature: no trusted DSC has this kid");
    else if (!signer && algorithmMismatch)
        result.fail(Reason::WrongAlgorithm, "signature: algorithm does not match the DSC key");
    else if (!signer)
        result.fail(Reason::BadSignature, "signature: does not verify with any DSC of this kid");

    // Validity in time: the CWT's window, and (once known) the signer's certificate window.
    // Checked even when the signature failed, so staff and the corpus see every finding.
    bool timely = true;
    if (!cwt->expiresAt) {
        timely = false;
        result.fail(Reason::ClaimsInvalid, "expiry: exp missing");
    } else if (now > *cwt->expiresAt) {
        timely = false;
        result.fail(Reason::PassExpired, "expiry: expired");
    }
    if (cwt->issuedAt && now < *cwt->issuedAt) {
        timely = false;
        result.fail(Reason::PassNotYetValid, "expiry: issued after the decision time");
    }
    if (signer && (now < signer->notBefore || now > signer->notAfter)) {
        timely = false;
        result.fail(Reason::SignerNotValid, "expiry: the DSC is outside its validity");
    }
    result.checks.expiry = timely;

    // Key usage needs the signer: without a verified DSC there is nothing to check against.
    if (!signer)
        return result;
    const auto types = certificateTypes(dgc);
    if (types.empty()) {
        result.fail(Reason::ClaimsInvalid, "claims: the DGC holds no v, t or r entry");
        return result;
    }
    result.checks.keyUsage = keyUsageAllows(*signer, types);
    if (!*result.checks.keyUsage)
        result.fail(Reason::KeyUsageMismatch, "key usage: the DSC may not sign this type");

    // The DGC's shape, as far as a door needs it (not the full JSON schema): one certificate
    // type, a version, a name and a date of birth.
    const auto hasText = [dgc](const char* key) {
        const CborValue* value = dgc->find(key);
        return value && value->type == CborValue::Type::Text;
    };
    const CborValue* name = dgc->find("nam");
    if (types.size() > 1)
        result.fail(Reason::ClaimsInvalid, "dgc: holds more than one certificate type");
    else if (!hasText("ver") || !hasText("dob") || !name || name->type != CborValue::Type::Map)
        result.fail(Reason::ClaimsInvalid, "dgc: ver, nam or dob missing");
    return result;
}

} // namespace doorpost::kiosk::credentials
