#pragma once
// The body of a chain answer (docs/mesh.md, "Protocol"):
//   {"device":D,"epoch":E,"events":[WireEvent...],"head_hash":H,"head_seq":N,"nonce":X}
// D is the serving door, E its chain's epoch, N and H its head when it answered (N can be past
// the last event sent: the asker comes back at once for the rest), X the asker's nonce. The
// events are the push records of the central protocol (sync/event_wire.hpp), every field the
// hash covers, so the receiver recomputes each hash instead of trusting it.

#include "storage/base/result.hpp"
#include "storage/event.hpp"
#include "storage/peer_log.hpp"
#include "sync/protocol.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::sync::peer {

// What one answer may carry: the central push's limits, so a batch is never larger than what
// the door already sends its central.
inline constexpr std::size_t kMaxAnswerEvents = kMaxEventsPerPush;
inline constexpr std::size_t kMaxAnswerEventBytes = kMaxPushBytes;
// What a puller accepts of an answer body before cutting it off: the batch and its envelope.
inline constexpr std::size_t kMaxAnswerBodyBytes = kMaxPushBytes + 16 * 1024;

struct ChainAnswer {
    std::string device;
    std::string epoch;
    std::string nonce;
    std::int64_t headSeq = 0;
    std::string headHash;
    std::vector<WireEvent> events;
};

// Writes the answer body; `events` are taken in order while the body stays under
// kMaxAnswerEventBytes (at least one when there is any).
std::string answerBody(const std::string& device, const std::string& epoch,
                       const std::string& nonce, std::int64_t headSeq, const std::string& headHash,
                       const std::vector<storage::Event>& events);

// Parses a body; BadInput naming the field when it is not an answer.
Result<ChainAnswer> parseAnswer(std::string_view body);

// Checks an answer against what was asked and turns its events into peer records: the device
// and nonce are the ones of the request, the epoch is an epoch, and the events run without a gap
// from `firstSeq` (each one rebuilt from the wire; PeerLog::accept then checks the chain).
// BadInput naming what does not fit.
Result<std::vector<storage::PeerRecord>> recordsOf(const ChainAnswer& answer,
                                                   const std::string& device,
                                                   const std::string& nonce, std::int64_t firstSeq);

} // namespace doorpost::sync::peer
