#pragma once
// The kiosk's HTTP client (libcurl) for the sync protocol. Its outcome keeps "the central could
// not be reached" (connection refused, reset, timeout, a truncated answer) apart from "the central
// answered" with any status, because they call for different actions: backoff for the first,
// and for the second whatever that status means (a 4xx quarantines a record, a 5xx backs off).
// One client belongs to one thread (the sync worker's); it reuses its connection.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace doorpost::sync::client {

struct HttpAnswer {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers; // names lowercased
    std::string header(const std::string& lowercaseName) const {
        const auto it = headers.find(lowercaseName);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct HttpOutcome {
    bool answered = false;      // false: unreachable (see transportError)
    std::string transportError; // curl's explanation when not answered
    bool tlsRefused = false;    // the central's certificate could not be verified
    HttpAnswer answer;
};

struct HttpClientOptions {
    std::string baseUrl; // http://127.0.0.1:PORT or https://host:port
    std::string token;   // device bearer token (empty: no Authorization header; peers sign instead)
    std::string caFile;  // PEM bundle to verify the central's certificate (empty: system store)
    std::string userAgent = "doorpost"; // "doorpost/VERSION": the central records each door's
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds requestTimeout{15000};
    // A faulty or hostile central cannot make the kiosk hold more than this of one answer (the
    // largest real one, a page of 5,000 set items, is a few MiB). Beyond it the request is cut
    // off and counts as "not answered": the worker backs off and tries again later.
    std::size_t maxAnswerBytes = 32u << 20;
    std::size_t maxHeaderBytes = 256u << 10;
};

class HttpClient {
public:
    explicit HttpClient(HttpClientOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Every request also carries `Doorpost-Time: <wall ms>`, from which the central records
    // the door's clock offset; `extraHeaders` are whole header lines ("Name: value").
    HttpOutcome get(const std::string& path, const std::string& ifNoneMatch = "",
                    const std::vector<std::string>& extraHeaders = {});
    HttpOutcome post(const std::string& path, const std::string& jsonBody,
                     const std::vector<std::string>& extraHeaders = {});

private:
    HttpOutcome perform(const std::string& path, const std::string* body,
                        const std::string& ifNoneMatch,
                        const std::vector<std::string>& extraHeaders);
    HttpClientOptions m_options;
    void* m_curl = nullptr; // CURL*, kept for connection reuse
};

// Seconds from a Retry-After header (delta-seconds or an HTTP date), or -1 when absent/garbled.
long retryAfterSeconds(const std::string& value);
// The server's Date header as ms since 1970, or -1.
long long httpDateMs(const std::string& value);

} // namespace doorpost::sync::client
