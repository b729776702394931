#pragma once
// A loopback HTTP proxy that injects network faults between a kiosk and the central, for the
// sync tests: delay, connection reset mid-body, truncated response, 500, 503 with Retry-After,
// and the response dropped after the central committed. One request per connection (it answers
// "Connection: close"), so every request meets exactly one scheduled fault. It can spread
// requests over several upstream centrals (round robin).
//
// Threads meet here: an accept thread and one thread per connection; the fault schedule and the
// counters are shared with the test thread under m_mutex.

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace doorpost::sync::test {

enum class Fault {
    None,
    Delay,
    ResetMidBody,
    TruncatedResponse,
    Status500,
    Status503,
    DropAfterCommit
};

const char* faultName(Fault fault);

class FaultProxy {
public:
    explicit FaultProxy(std::vector<int> upstreamPorts);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

    // Faults for the next requests, in order; afterwards requests pass untouched.
    void schedule(const std::vector<Fault>& faults);
    std::size_t pending() const;
    std::map<Fault, int> injected() const; // how many of each were applied
    int requests() const { return m_requests.load(); }
    // Requests forwarded to a central whose answer has not come back yet (pushes: POSTs to
    // /v1/devices/.../events), and pushes forwarded so far: the kill tests time their kills by
    // them and count the kills that land while one is in flight.
    int inFlight() const { return m_inFlight.load(); }
    int inFlightPushes() const { return m_inFlightPushes.load(); }
    int pushesForwarded() const { return m_pushesForwarded.load(); }
    void setRetryAfter(const std::string& value); // the 503's Retry-After (default "0")
    // A network partition: while cut, every connection is reset, and an answer still on its
    // way back is not delivered (the peer tests split doors of one site).
    void partition(bool cut) { m_partitioned = cut; }

private:
    void acceptLoop();
    void serve(int client);
    Fault nextFault();
    int nextUpstream();

    std::vector<int> m_upstreams;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_partitioned{false};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_inFlight{0};
    std::atomic<int> m_inFlightPushes{0};
    std::atomic<int> m_pushesForwarded{0};
    std::atomic<unsigned> m_roundRobin{0};
    mutable std::mutex m_mutex; // guards everything below
    std::deque<Fault> m_schedule;
    std::map<Fault, int> m_injected;
    std::string m_retryAfter = "0";
    std::vector<int> m_clients;
    std::vector<std::thread> m_threads;
    std::thread m_acceptor;
};

} // namespace doorpost::sync::test
