#pragma once
// One peer door, pulled: a thread long-polls the peer's chain (peer_wire.hpp) and stores what it
// verifies in the peer log through its own database connection. Every answer is checked before
// anything of it is stored: the signature by the key the central published for that door, the
// nonce of this request (no replayed answer), the door named, the events contiguous, then
// PeerLog::accept checks the hash chain (all of a batch or nothing). An answer that fails any
// check counts as the peer being unreachable: the puller backs off (sync/backoff.hpp) and asks
// again; nothing the peer says can do more than cost freshness. Answers are cut off past
// kMaxAnswerBodyBytes, so a peer streaming 1 GB holds at most that of this door's memory.
//
// The journal gets a line when the peer's state changes (reachable, unreachable, refusing,
// answering wrongly), not per request.
//
// Threads meet here: the puller's thread writes m_status; status() copies it for the mesh's
// readers, stop() sets m_stopping; all under m_mutex, held briefly.

#include "storage/device_key.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace doorpost::sync::peer {

// A door to pull, as the site set (or --mesh-peer) names it.
struct PeerTarget {
    std::string device;
    std::string address;   // "HOST:PORT"
    std::string deviceKey; // its enrolment public key, hex
    bool operator==(const PeerTarget&) const = default;
};

struct PullerOptions {
    std::string dbPath;
    std::string ownDevice;
    storage::DeviceKey ownKey;
    std::chrono::milliseconds wait{1000}; // the long poll asked of the peer
    std::chrono::milliseconds connectTimeout{1000};
    std::chrono::milliseconds backoffBase{200};
    std::chrono::milliseconds backoffCap{5000};
    // A pull that finds nothing new marks the chain current in the database at most this often
    // (what `doorpost status` reads); every write contends with the gate's, so not per poll.
    std::chrono::milliseconds touchEvery{5000};
};

struct PeerStatus {
    std::string device;
    std::string address;
    bool reachable = false;       // the last request got a verified answer
    std::int64_t lastOkMs = 0;    // wall time of the last verified answer (0: none yet)
    std::string epoch;            // the peer's chain held
    std::int64_t heldSeq = 0;     // how far this door holds it
    std::int64_t peerHeadSeq = 0; // how far the peer said it is
    std::int64_t stored = 0;      // records stored since start
    std::int64_t answers = 0;     // verified answers since start
    int failuresInARow = 0;
    std::string lastError; // why the last request failed; empty after a good one
};

class PeerPuller {
public:
    PeerPuller(PeerTarget target, PullerOptions options);
    ~PeerPuller(); // stops and joins
    PeerPuller(const PeerPuller&) = delete;
    PeerPuller& operator=(const PeerPuller&) = delete;

    void start();
    // Asks the thread to end after its request in flight (at most a long poll); never blocks.
    void signalStop();
    void stop(); // signalStop() and join
    PeerStatus status() const;
    const PeerTarget& target() const { return m_target; }

private:
    void run();
    // Waits up to `wait` unless stopping; false when stopping.
    bool pause(std::chrono::milliseconds wait);

    PeerTarget m_target;
    PullerOptions m_options;
    mutable std::mutex m_mutex; // guards the three below
    std::condition_variable m_wake;
    bool m_stopping = false;
    PeerStatus m_status;
    std::thread m_thread;
};

} // namespace doorpost::sync::peer
