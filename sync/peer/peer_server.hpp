#pragma once
// The door's peer server (docs/mesh.md): it serves this door's own chain, read from the event
// log through its own connections, to the doors of its site, and nothing else. Each request is
// checked before the log is touched: a GET of /peer/v1/chain, no body (anything with one is
// answered 413 before it is read, so a peer pushing 1 GB costs one short answer), well-formed
// parameters, and a signature by the enrolment key the central published for the asking door
// (403 otherwise). A request that finds nothing new waits up to wait_ms (<= 1 s) for the gate's
// next append, looking at the log head every poll interval, so a peer learns of an admission
// within a poll interval plus a round trip.
//
// Bounded, on libmicrohttpd (as the central): a thread per connection up to a connection limit
// and a per-address limit, request line and headers within a small memory limit (a longer one is
// refused, never buffered), idle connections closed, at most `readers` database connections. The
// gate's own connection is never touched, so a slow or hostile peer costs this door's decisions
// nothing. (cpp-httplib 0.11.4, Debian's, was tried first: it reads a request line of any length
// into memory and keeps reading a body it refused; a client pushing 1 GB took 2.2 GB of RSS.)
//
// Threads meet here: libmicrohttpd runs each connection's requests on that connection's thread;
// those threads take reader connections from m_readers and wait on m_wake (both under m_mutex);
// stop() on any other thread sets m_stopping and wakes them.

#include "storage/base/result.hpp"
#include "storage/device_key.hpp"
#include "sync/peer/refusal_log.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace doorpost::sync::peer {

struct PeerServerOptions {
    std::string dbPath;
    std::string host = "127.0.0.1";
    int port = 0;                  // 0: any free port
    unsigned connectionLimit = 32; // 2-6 peers hold one connection each
    unsigned perAddressLimit = 8;  // a door needs one; 0: no limit
    unsigned idleTimeoutS = 5;     // a connection silent this long is closed
    std::size_t readers = 8;       // database connections at most
    std::chrono::milliseconds pollInterval{20};
};

struct PeerServerCounters {
    std::int64_t answered = 0; // 200s
    std::int64_t refused = 0;  // 4xx
    std::int64_t busy = 0;     // 503s: no reader connection free within a second
};

class PeerServer {
public:
    PeerServer(PeerServerOptions options, storage::DeviceKey key);
    ~PeerServer(); // stops
    PeerServer(const PeerServer&) = delete;
    PeerServer& operator=(const PeerServer&) = delete;

    // Binds and starts serving; the bound port.
    Result<int> start();
    void stop();
    PeerServerCounters counters() const;

    struct Reader;   // one reader connection (peer_server.cpp)
    struct Exchange; // one request and its answer (peer_server.cpp)
    // libmicrohttpd's access handler: the request is whole; answers it (on its thread).
    void serve(Exchange& exchange);
    void refuse(Exchange& exchange, int status, const std::string& reason,
                const std::string& detail);

private:
    // A free reader, or a new one while fewer than options.readers exist; waits up to a second
    // for one to be given back. Null (and `error`) when none.
    std::unique_ptr<Reader> takeReader(std::string& error);
    void giveBack(std::unique_ptr<Reader> reader);
    // Waits up to `wait` unless stopping; false when stopping.
    bool pause(std::chrono::milliseconds wait);

    PeerServerOptions m_options;
    storage::DeviceKey m_key;
    void* m_daemon = nullptr; // MHD_Daemon*
    int m_listenFd = -1;
    RefusalLog m_refusals;
    std::atomic<std::int64_t> m_answered{0};
    std::atomic<std::int64_t> m_refused{0};
    std::atomic<std::int64_t> m_busy{0};

    std::mutex m_mutex;             // guards the four below
    std::condition_variable m_wake; // stop(), and readers given back
    bool m_stopping = false;
    std::size_t m_readersOpen = 0;
    std::vector<std::unique_ptr<Reader>> m_readers; // idle reader connections
};

} // namespace doorpost::sync::peer
