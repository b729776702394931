#pragma once
// A cpp-httplib server on 127.0.0.1 and a free port, on its own thread, for tests that play a
// misbehaving central. Routes are added to server() before start(); the destructor stops it.

#include <catch2/catch.hpp>
#include <chrono>
#include <httplib.h>
#include <string>
#include <thread>

namespace doorpost::test {

class LoopbackHttp {
public:
    LoopbackHttp() = default;
    LoopbackHttp(const LoopbackHttp&) = delete;
    LoopbackHttp& operator=(const LoopbackHttp&) = delete;
    ~LoopbackHttp() {
        if (m_thread.joinable()) {
            m_server.stop();
            m_thread.join();
        }
    }

    httplib::Server& server() { return m_server; }

    void start() {
        m_port = m_server.bind_to_any_port("127.0.0.1");
        REQUIRE(m_port > 0);
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        // Bounded wait (5 s) until it accepts, so the destructor never races its start.
        for (int i = 0; i < 500 && !m_server.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(m_server.is_running());
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
};

} // namespace doorpost::test
