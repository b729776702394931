#pragma once
// doorpost-central's HTTP service: enrolment, push and pull (DESIGN.md, "Sync protocol"), over
// TLS when given a certificate, plain HTTP otherwise (loopback tests). Every answer other than
// 2xx/304 carries a JSON error body; malformed input never takes the server down.

#include "storage/base/result.hpp"
#include "sync/central/central_store.hpp"

#include <memory>
#include <string>

namespace doorpost::sync::central {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;         // 0: any free port (bind() reports it)
    std::string certFile; // both set: HTTPS
    std::string keyFile;
    int threads = 8;
};

class CentralServer {
public:
    CentralServer(CentralStore& store, ServerOptions options);
    ~CentralServer();
    CentralServer(const CentralServer&) = delete;
    CentralServer& operator=(const CentralServer&) = delete;

    // Binds the listening socket and returns the port.
    Result<int> bind();
    // Serves until stop() (from another thread or a signal handler's helper thread).
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace doorpost::sync::central
