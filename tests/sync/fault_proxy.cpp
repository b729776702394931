#include "tests/sync/fault_proxy.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace doorpost::sync::test {
namespace {

void setTimeouts(int fd, int seconds) {
    timeval tv{seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Closing with SO_LINGER 0 sends a TCP RST: the peer sees "connection reset".
void resetClose(int fd) {
    linger hard{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(fd);
}

bool sendAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool sendAll(int fd, const std::string& text) {
    return sendAll(fd, text.data(), text.size());
}

std::size_t contentLength(const std::string& head) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos)
        return 0;
    return std::strtoull(lower.c_str() + at + 17, nullptr, 10);
}

// Reads one HTTP message (head and Content-Length body). False on EOF or error.
bool readMessage(int fd, std::string& head, std::string& body, std::string& buffer) {
    for (;;) {
        const auto end = buffer.find("\r\n\r\n");
        if (end != std::string::npos) {
            head = buffer.substr(0, end + 4);
            const std::size_t length = contentLength(head);
            while (buffer.size() < end + 4 + length) {
                char chunk[65536];
                const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0)
                    return false;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            body = buffer.substr(end + 4, length);
            buffer.erase(0, end + 4 + length);
            return true;
        }
        char chunk[65536];
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

// The response head with its Connection header replaced by "close".
std::string closingHead(const std::string& head) {
    std::string out;
    std::size_t start = 0;
    while (start < head.size()) {
        const auto end = head.find("\r\n", start);
        const std::string line = head.substr(start, end - start);
        start = end + 2;
        if (line.empty())
            break;
        std::string lower = line;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lower.rfind("connection:", 0) == 0 || lower.rfind("keep-alive:", 0) == 0)
            continue;
        out += line + "\r\n";
    }
    return out + "Connection: close\r\n\r\n";
}

int connectTo(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        close(fd);
        return -1;
    }
    setTimeouts(fd, 20);
    return fd;
}

} // namespace

const char* faultName(Fault fault) {
    switch (fault) {
    case Fault::None:
        return "none";
    case Fault::Delay:
        return "delay";
    case Fault::ResetMidBody:
        return "reset_mid_body";
    case Fault::TruncatedResponse:
        return "truncated_response";
    case Fault::Status500:
        return "status_500";
    case Fault::Status503:
        return "status_503";
    case Fault::DropAfterCommit:
        return "drop_after_commit";
    }
    return "?";
}

FaultProxy::FaultProxy(std::vector<int> upstreamPorts) : m_upstreams(std::move(upstreamPorts)) {
    m_listen = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(m_listen, 64) != 0)
        throw std::runtime_error("fault proxy cannot listen");
    socklen_t size = sizeof address;
    getsockname(m_listen, reinterpret_cast<sockaddr*>(&address), &size);
    m_port = ntohs(address.sin_port);
    m_acceptor = std::thread([this] { acceptLoop(); });
}

FaultProxy::~FaultProxy() {
    m_stopping = true;
    shutdown(m_listen, SHUT_RDWR);
    m_acceptor.join();
    close(m_listen);
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        for (const int fd : m_clients)
            shutdown(fd, SHUT_RDWR);
        threads.swap(m_threads);
    }
    for (auto& thread : threads)
        thread.join();
}

void FaultProxy::schedule(const std::vector<Fault>& faults) {
    std::lock_guard lock(m_mutex);
    m_schedule.insert(m_schedule.end(), faults.begin(), faults.end());
}

std::size_t FaultProxy::pending() const {
    std::lock_guard lock(m_mutex);
    return m_schedule.size();
}

std::map<Fault, int> FaultProxy::injected() const {
    std::lock_guard lock(m_mutex);
    return m_injected;
}

void FaultProxy::setRetryAfter(const std::string& value) {
    std::lock_guard lock(m_mutex);
    m_retryAfter = value;
}

Fault FaultProxy::nextFault() {
    std::lock_guard lock(m_mutex);
    if (m_schedule.empty())
        return Fault::None;
    const Fault fault = m_schedule.front();
    m_schedule.pop_front();
    m_injected[fault] += 1;
    return fault;
}

int FaultProxy::nextUpstream() {
    return m_upstreams[m_roundRobin.fetch_add(1) % m_upstreams.size()];
}

void FaultProxy::acceptLoop() {
    while (!m_stopping) {
        const int client = accept(m_listen, nullptr, nullptr);
        if (client < 0) {
            if (m_stopping)
                return;
            continue;
        }
        setTimeouts(client, 20);
        std::lock_guard lock(m_mutex);
        m_clients.push_back(client);
        m_threads.emplace_back([this, client] { serve(client); });
    }
}

void FaultProxy::serve(int client) {
    auto finish = [&](bool reset) {
        {
            std::lock_guard lock(m_mutex);
            m_clients.erase(std::remove(m_clients.begin(), m_clients.end(), client),
                            m_clients.end());
        }
        if (reset)
            resetClose(client);
        else
            close(client);
    };
    std::string buffer;
    std::string head;
    std::string body;
    if (!readMessage(client, head, body, buffer))
        return finish(false);
    if (m_partitioned)
        return finish(true);
    m_requests += 1;
    const Fault fault = nextFault();
    const std::string request = head + body;

    if (fault == Fault::Status500 || fault == Fault::Status503) {
        std::string retryAfter;
        {
            std::lock_guard lock(m_mutex);
            retryAfter = m_retryAfter;
        }
        const std::string payload = R"({"error":"injected fault"})";
        std::string response = fault == Fault::Status500 ? "HTTP/1.1 500 Internal Server Error\r\n"
                                                         : "HTTP/1.1 503 Service Unavailable\r\n";
        if (fault == Fault::Status503)
            response += "Retry-After: " + retryAfter + "\r\n";
        response +=
            "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
            "\r\nConnection: close\r\n\r\n" + payload;
        sendAll(client, response);
        return finish(false);
    }
    if (fault == Fault::Delay)
        std::this_thread::sleep_for(std::chrono::milliseconds(150));

    const int upstream = connectTo(nextUpstream());
    if (upstream < 0)
        return finish(true); // central down: the kiosk sees a reset
    if (fault == Fault::ResetMidBody) {
        // Half the request reaches the central, then both sides are reset.
        sendAll(upstream, request.data(), head.size() + body.size() / 2);
        resetClose(upstream);
        return finish(true);
    }
    std::string upstreamBuffer;
    std::string responseHead;
    std::string responseBody;
    const bool push = head.rfind("POST /v1/devices/", 0) == 0;
    m_inFlight += 1;
    if (push) {
        m_inFlightPushes += 1;
        m_pushesForwarded += 1;
    }
    const bool forwarded = sendAll(upstream, request) &&
                           readMessage(upstream, responseHead, responseBody, upstreamBuffer);
    m_inFlight -= 1;
    if (push)
        m_inFlightPushes -= 1;
    close(upstream);
    if (!forwarded || m_partitioned)
        return finish(true);
    if (fault == Fault::DropAfterCommit)
        return finish(true); // the central committed; no answer
    const std::string response = closingHead(responseHead) + responseBody;
    if (fault == Fault::TruncatedResponse) {
        sendAll(client, response.data(),
                response.size() - std::max<std::size_t>(1, responseBody.size() / 2));
        return finish(false);
    }
    sendAll(client, response);
    finish(false);
}

} // namespace doorpost::sync::test
