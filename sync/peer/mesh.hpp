#pragma once
// The door's mesh node (docs/mesh.md): the peer server and one puller per peer door. Which doors
// are peers is the central's word, the signed "site" set the kiosk pulls (storage/site_doors):
// the node re-reads it every refresh interval and starts, stops or restarts pullers as doors
// join, leave, move or get a new key. A door's address comes from the set, or from --mesh-peer
// DEVICE=HOST:PORT, which overrides it (a static list where the central publishes none); a peer
// without either is known but not pulled.
//
// Nothing here is on the gate's path: the server reads the log through its own connections, each
// puller writes the peer log through its own, and the gate reads the peer log through its own.
// The UI and `run --json` read status(), a copy.
//
// Threads meet here: the refresh thread owns the pullers' map and writes m_status's list; any
// thread may call status() (which copies the pullers' states under each one's lock) or stop();
// m_mutex guards the map and the flags.

#include "storage/base/result.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "sync/peer/peer_puller.hpp"
#include "sync/peer/peer_server.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace doorpost::sync::peer {

struct MeshOptions {
    std::string dbPath;
    std::string listen;                               // "HOST:PORT"; empty: pull only
    std::map<std::string, std::string> peerAddresses; // device -> "HOST:PORT" (--mesh-peer)
    std::chrono::milliseconds refreshEvery{2000};     // re-read of the site set
    std::chrono::milliseconds wait{1000};             // the long poll pullers ask for
    std::chrono::milliseconds pollInterval{20};       // how often a long poll looks at the log
    std::chrono::milliseconds backoffBase{200};
    std::chrono::milliseconds backoffCap{5000};
    std::chrono::milliseconds connectTimeout{1000};
    std::chrono::milliseconds touchEvery{5000};
    unsigned perAddressLimit = 8; // the peer server's connections from one address
};

struct MeshStatus {
    bool running = false;
    std::string ownDevice;
    int port = 0;      // the peer server's, 0 when not serving
    int known = 0;     // peer doors the site set names
    int reachable = 0; // of those, answering verified
    // Age of the stalest peer data held, among peers that ever answered (ms; -1: none).
    std::int64_t oldestAgeMs = -1;
    std::vector<PeerStatus> peers; // every known peer, by device id
};

// "DEVICE=HOST:PORT" from --mesh-peer; BadInput naming the field when malformed.
Result<std::pair<std::string, std::string>> parseMeshPeer(const std::string& text);

class Mesh {
public:
    explicit Mesh(MeshOptions options);
    ~Mesh(); // stops
    Mesh(const Mesh&) = delete;
    Mesh& operator=(const Mesh&) = delete;

    // Loads the device key, binds the server (an Environment error when it cannot), starts the
    // refresh thread, which starts the pullers.
    Result<void> start();
    void stop();
    // Never blocks on the network or the disk.
    MeshStatus status() const;

private:
    void run();
    void refresh(std::optional<storage::Database>& db, std::optional<storage::EventLog>& log,
                 std::string& loggedProblem);

    MeshOptions m_options;
    storage::DeviceKey m_key;
    std::unique_ptr<PeerServer> m_server;
    int m_port = 0;
    std::thread m_thread;
    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_running = false;
    std::string m_ownDevice;
    std::vector<PeerTarget> m_known; // every peer of the site, pulled or not
    std::map<std::string, std::unique_ptr<PeerPuller>> m_pullers;
};

} // namespace doorpost::sync::peer
