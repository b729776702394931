#include "kiosk/credentials/dp1_verifier.hpp"

#include "kiosk/credentials/signature_check.hpp"
#include "storage/base/hex.hpp"
#include "sync/pass/envelope.hpp"
#include "sync/pass/subject_key.hpp"

#include <algorithm>

namespace doorpost::kiosk::credentials {

CredentialResult verifyDp1(std::string_view text, const TrustSet& trust, std::int64_t now) {
    CredentialResult result;
    result.kind = CredentialKind::Dp1;
    auto envelope = sync::pass::openEnvelope(text, sync::pass::kDp1Prefix);
    auto claims = sync::pass::readDp1Claims(envelope.claims);
    if (envelope.ok() && !claims) {
        envelope.steps.cbor = false; // the CBOR step includes the DP1 claim shape
        envelope.error = claims.error().message;
    }
    auto& checks = result.checks;
    checks.unprefix = envelope.steps.unprefix;
    checks.base45 = envelope.steps.base45;
    checks.compression = envelope.steps.compression;
    checks.cose = envelope.steps.cose;
    checks.cbor = envelope.steps.cbor;
    if (!envelope.ok()) {
        result.fail(Reason::CredentialMalformed, envelope.error);
        return result;
    }
    const auto& sign1 = envelope.sign1;
    result.issuer = claims->issuer;
    result.passId = claims->passId;
    result.subjectKey = toHex(claims->idHash);
    result.maskedId = claims->maskedId;
    result.status = claims->status;
    result.expiresAt = claims->expiresAt;

    // DP1 is EdDSA only, and the alg must be signed (protected): there is no legacy to excuse.
    if (sign1.alg != sync::pass::kCoseAlgEdDsa || !sign1.algProtected) {
        checks.signature = false;
        result.fail(Reason::WrongAlgorithm, "signature: DP1 passes are signed with EdDSA only");
    } else {
        const auto toBeSigned = sync::pass::coseSigStructure(sign1.protectedBytes, sign1.payload);
        bool kidKnown = false;
        bool verified = false;
        if (sign1.kid.size() == sync::pass::kKeyIdSize) {
            for (const TrustedPassKey& key : trust.passKeys) {
                if (!std::equal(key.kid.begin(), key.kid.end(), sign1.kid.begin()))
                    continue;
                kidKnown = true;
                if (verifyEd25519(key.publicKey, toBeSigned, sign1.signature)) {
                    verified = true;
                    break;
                }
            }
        }
        checks.signature = verified;
        if (!kidKnown)
            result.fail(Reason::UnknownKey, "signature: no trusted issuer key has this kid");
        else if (!verified)
            result.fail(Reason::BadSignature, "signature: does not verify");
    }

    bool timely = true;
    if (now > claims->expiresAt) {
        timely = false;
        result.fail(Reason::PassExpired, "expiry: the pass has expired");
    }
    if (now + kDp1ClockSkewSeconds < claims->issuedAt) {
        timely = false;
        result.fail(Reason::PassNotYetValid, "expiry: the pass is not yet valid");
    }
    checks.expiry = timely;

    if (trust.deniedPassIds.count(claims->passId) != 0)
        result.fail(Reason::PassRevoked, "deny list: the pass has been revoked");
    return result;
}

} // namespace doorpost::kiosk::credentials
