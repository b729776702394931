#pragma once
// Asks the central whether it witnessed the end of an audit export (docs/audit.md,
// `doorpost verify-export --central`): GET /v1/devices/{device}/chain-head?epoch=E&seq=N.
//
// What can honestly be checked: the central stores every pushed event keyed on
// (device, epoch, seq) and checks prev_hash links over the contiguous prefix it acknowledged
// (acked_through). If it holds last_hash at (device, epoch, last_seq) and last_seq <=
// acked_through, its witnessed head's chain includes the export's last record, and, since
// each hash covers the one before, the whole chain the export verified locally up to it.

#include "storage/base/result.hpp"
#include "sync/chain_head_answer.hpp"
#include "sync/client/http_client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync::client {

struct WitnessQuery {
    std::string device;
    std::string epoch;
    std::int64_t lastSeq = 0;
    std::string lastHash;
    std::string devicePublicKey; // the manifest's; looked up in the keys the central registered
};

enum class WitnessOutcome {
    Witnessed,    // the central holds last_hash at last_seq inside its acknowledged prefix
    Mismatch,     // the central holds another hash there, or never registered the manifest's
                  // key for that device
    NotWitnessed, // the central does not (yet) hold that record linked into its chain
};
std::string_view toString(WitnessOutcome outcome);

struct WitnessReport {
    WitnessOutcome outcome = WitnessOutcome::NotWitnessed;
    std::string message;           // one line, names the mismatch
    std::int64_t ackedThrough = 0; // the central's head for that epoch (0: none)
    std::string headHash;
    std::string centralHash;      // what it holds at last_seq ("" when nothing)
    std::string centralDeviceKey; // the latest key, "" when the device never sent one
    std::vector<RegisteredDeviceKey> centralDeviceKeys; // every key it registered, oldest first
    // Which of them is the manifest's key (an index into centralDeviceKeys); nothing when it
    // is none of them, or when there was nothing to compare (no key on either side).
    std::optional<std::size_t> matchedKey;
};

// Environment fault when the central cannot be reached or answers 5xx; BadInput ("--token")
// when it refuses the token (401/403) or does not speak the protocol.
Result<WitnessReport> checkWitnessed(const HttpClientOptions& central, const WitnessQuery& query);

} // namespace doorpost::sync::client
