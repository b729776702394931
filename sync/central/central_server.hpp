#pragma once
// doorpost-central's HTTP service: enrolment, push and pull (DESIGN.md, "Sync protocol"), the
// operators' /metrics and status page, /v1/health (liveness) and /v1/ready (the store answers),
// over TLS when given a certificate. Connections are carried by an event-driven server
// (http_server.hpp): no thread per connection, 429 + Retry-After when the store falls behind.
// Every answer other than 2xx/304 carries a JSON error body; malformed input never takes the
// server down; every request is in the access log and every failure names its cause there.

#include "storage/base/result.hpp"
#include "sync/central/central_log.hpp"
#include "sync/central/central_store.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace doorpost::sync::central {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;         // 0: any free port (bind() reports it)
    std::string certFile; // both set: HTTPS
    std::string keyFile;
    int threads = 4;        // workers running requests against the store
    int pollingThreads = 2; // event loops carrying the connections
    unsigned connectionLimit = 4096;
    unsigned perAddressLimit = 256; // 0: no limit
    unsigned idleTimeoutS = 30;
    std::chrono::milliseconds queueBudget{200};
    std::int64_t quietAfterS = 300; // a door not heard from this long is "quiet"
    std::string version;            // shown on the status page
    CentralLog* log = nullptr;      // nothing: a log of its own to stderr (warnings and worse)
};

class CentralServer {
public:
    CentralServer(CentralStore& store, ServerOptions options);
    // One store per worker connection (PostgreSQL: requests of different doors run in
    // parallel); workers share them round robin when there are fewer stores than workers.
    CentralServer(std::vector<CentralStore*> stores, ServerOptions options);
    ~CentralServer();
    CentralServer(const CentralServer&) = delete;
    CentralServer& operator=(const CentralServer&) = delete;

    // Binds the listening socket, starts serving and returns the port.
    Result<int> bind();
    // Blocks until stop() (from another thread).
    void run();
    void stop();
    // Reads the TLS certificate and key again (SIGHUP); on a fault the old pair stays.
    Result<void> reloadTls();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace doorpost::sync::central
