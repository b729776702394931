#pragma once
// An event-driven HTTP/1.1 server (libmicrohttpd) for the central. No connection owns a thread:
// a few polling threads (epoll) carry every socket, however many are open and however slowly
// they send, so idle or trickling clients cost a file descriptor and a little memory, never a
// worker. A complete request is handed to a bounded pool of workers (the connection is suspended
// meanwhile); work that would wait longer than the queue budget is refused at once with 429 and
// Retry-After, which every door honours, so a store that cannot keep up slows the fleet down
// instead of piling up requests that time out.
//
// Per-address and total connection limits and an idle timeout bound what one host can hold.
// TLS through GnuTLS; the certificate pair can be replaced while serving (tls_credentials.hpp).
//
// Threads meet here: polling threads parse requests and queue jobs; worker threads run the
// handler and resume the connection; the polling thread then sends the answer. A request's state
// is touched by one thread at a time, handed over through the job queue's mutex.

#include "storage/base/result.hpp"
#include "sync/central/central_log.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace doorpost::sync::central {

class TlsCredentials;

struct HttpRequest {
    std::string method;
    std::string path;                           // without the query
    std::map<std::string, std::string> params;  // decoded query arguments
    std::map<std::string, std::string> headers; // names lowercased
    std::string body;
    std::string peer; // the client's address
    std::chrono::steady_clock::time_point received;

    std::string header(const std::string& lowercaseName) const;
    bool hasParam(const std::string& name) const { return params.count(name) > 0; }
    std::string param(const std::string& name) const;
};

struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // For the access log: the route's name, the authenticated principal, and why a request
    // failed (written by the handler; logged with every answer of 5xx).
    std::string route;
    std::string principal;
    std::string cause;

    void setHeader(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
    }
};

// Where a request runs. Inline: on the polling thread, for answers that touch nothing slow
// (liveness). Control: a worker, never refused (readiness, metrics, the status page). Work: a
// worker, refused with 429 when the queue is over its budget (push, pull, enrolment).
enum class Lane { Inline, Control, Work };

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;           // 0: any free port
    int pollingThreads = 2; // epoll loops carrying the sockets
    int workers = 4;        // threads running handlers
    std::size_t maxBodyBytes = 1 << 20;
    unsigned connectionLimit = 4096; // open connections in all
    unsigned perAddressLimit = 256;  // open connections from one address (0: no limit)
    unsigned idleTimeoutS = 30;      // a connection silent this long is closed
    // A Work request that would be answered later than this (judged from the queue's length
    // and the recent time per job) is answered 429 at once.
    std::chrono::milliseconds queueBudget{200};
    std::size_t maxQueue = 1024;
    TlsCredentials* tls = nullptr; // HTTPS when set
};

// Counts the server reports about itself (for /metrics).
struct HttpServerCounters {
    std::int64_t connectionsOpen = 0;
    std::int64_t connectionsTotal = 0;
    std::int64_t queued = 0;
    std::int64_t refusedBusy = 0; // 429s from the queue budget
};

class HttpServer {
public:
    // `handler` runs on worker `worker` (0..workers-1) or, for Lane::Inline, on a polling thread
    // (worker -1). It must not throw; if it does, the answer is 500 and the log names the cause.
    using Handler = std::function<void(const HttpRequest&, HttpResponse&, int worker)>;
    using Classifier = std::function<Lane(const std::string& method, const std::string& path)>;
    // Called after each answer is queued, with the time the request took (access log, metrics).
    using Observer =
        std::function<void(const HttpRequest&, const HttpResponse&, double milliseconds)>;

    HttpServer(HttpServerOptions options, Classifier classify, Handler handler, Observer observer,
               CentralLog& log);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Opens the listening socket and starts serving; returns the port.
    Result<int> start();
    // Stops accepting, lets the workers finish what they hold, closes every connection.
    void stop();
    HttpServerCounters counters() const;

    struct Impl; // public only so libmicrohttpd's C callbacks can reach it
private:
    std::unique_ptr<Impl> m_impl;
};

// True for 127.0.0.0/8, ::1 and "localhost": addresses no other machine can reach.
bool isLoopbackHost(const std::string& host);

} // namespace doorpost::sync::central
