#pragma once
// Machine reason codes for every verdict, with the words staff read (zh-CN first: the
// kiosks stand at Chinese doors; en for auditors and visitors). Codes are stable: they are
// stored in the event log and counted by the central, so never renumber or rename one.

#include <string_view>
#include <vector>

namespace doorpost::kiosk::credentials {

enum class Reason {
    CredentialValid,       // the credential verified
    CredentialMalformed,   // prefix, Base45, zlib, COSE or CBOR broken
    UnknownKey,            // no trusted key / DSC has that kid
    BadSignature,          // a trusted key with that kid, but the signature does not verify
    WrongAlgorithm,        // alg not allowed for this pass type, or key type mismatch
    PassExpired,           // now > exp
    PassNotYetValid,       // now < iat (or nbf)
    PassRevoked,           // on the deny list
    KeyUsageMismatch,      // DSC extended key usage does not cover this certificate type
    SignerNotValid,        // the DSC itself is outside its validity at the decision time
    ClaimsInvalid,         // claims missing or of the wrong type
    StatusYellow,          // DP1 status yellow: staff must look
    StatusRed,             // DP1 status red
    TrustDataStale,        // trust data past valid-until, still within the warning period
    TrustDataExpired,      // trust data past the profile's grace: fail closed
    NotOnRoster,           // ticket or person not on this site's roster
    RosterUnavailable,     // the profile needs a roster and none is loaded
    AlreadyAdmitted,       // admitted within the re-entry window
    CredentialNotAccepted, // this site profile does not count this kind of credential
    Unrecognised,          // not any code Doorpost knows
    ManualRegistration,    // registered by staff from an ID document
    ManualReasonNotAllowed,
    IdInvalid,           // an ID number failed its checks
    TicketValid,         // an exam ticket found on the roster
    IdNotSealed,         // manual: no central sealing key, so only the masked ID is kept
    DeviceClockWrong,    // the clock is suspect and its estimate cannot settle a time check
    PeerAlreadyAdmitted, // admitted within the re-entry window at another door of the site,
                         // learnt from that door directly (docs/mesh.md)
};

struct ReasonText {
    std::string_view code; // snake_case, stable
    std::string_view zh;
    std::string_view en;
};

ReasonText reasonText(Reason reason);
// Inverse of reasonText(...).code, for reading the log back; false when unknown.
bool parseReasonCode(std::string_view code, Reason& out);

} // namespace doorpost::kiosk::credentials
