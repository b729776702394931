#include "kiosk/credentials/verify_code.hpp"

#include "kiosk/credentials/dp1_verifier.hpp"
#include "kiosk/credentials/hc1_verifier.hpp"
#include "kiosk/credentials/ticket.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "sync/pass/subject_key.hpp"

#include <algorithm>
#include <cctype>

namespace doorpost::kiosk::credentials {
namespace {

bool looksLikeResidentId(std::string_view text) {
    if (text.size() != 18)
        return false;
    return std::all_of(text.begin(), text.end() - 1,
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
           (std::isdigit(static_cast<unsigned char>(text[17])) || text[17] == 'X' ||
            text[17] == 'x');
}

} // namespace

CredentialResult verifyCode(std::string_view text, const VerifyContext& context) {
    if (text.substr(0, 4) == "DP1:")
        return verifyDp1(text, context.trust, context.now);
    if (text.substr(0, 4) == kHc1Prefix)
        return verifyHc1(text, context.trust, context.now);

    CredentialResult result;
    if (auto number = parseTicket(text)) {
        result.kind = CredentialKind::Ticket;
        result.candidateNumber = *number;
        return result;
    }
    if (looksLikeResidentId(text)) {
        result.kind = CredentialKind::ResidentId;
        auto checked = checkResidentId(text);
        if (!checked) {
            result.maskedId = maskIdNumber(std::string(text));
            result.fail(Reason::IdInvalid, checked.error().message);
            return result;
        }
        result.maskedId = checked->masked;
        // A memory-hard derivation (tens of ms) on the gate's thread, for this one ID only.
        if (context.subjectSecret)
            if (auto key = sync::pass::subjectKey(checked->normalised, *context.subjectSecret))
                result.subjectKey = toHex(*key);
        return result;
    }
    result.kind = CredentialKind::Unrecognised;
    result.content = std::string(text.substr(0, kMaxStoredContent));
    result.fail(Reason::Unrecognised, "not a code Doorpost knows");
    return result;
}

} // namespace doorpost::kiosk::credentials
