// The decoder runs in a supervised worker process: an abort inside the decoding library (as
// Debian's libzxing 1.4.0 does on some images) costs one frame, never the kiosk.

#include "drivers/decode/isolated_decoder.hpp"
#include "drivers/synthetic/synthetic_scene.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::drivers::camera;
using doorpost::DriverErrorKind;
using namespace doorpost::drivers::decode;
using namespace doorpost::drivers::synthetic;
using namespace std::chrono_literals;

namespace {

LumaImage codeFrame(const std::string& text) {
    SceneSpec spec;
    spec.width = 640;
    spec.height = 480;
    spec.code = CodePayload{text, CodeFormat::QRCode};
    auto image = renderScene(spec);
    REQUIRE(image);
    return std::move(image).value();
}

// A frame the test hook treats as poison: its first two pixels carry a marker.
LumaImage poisoned(LumaImage frame, std::uint8_t kind) {
    frame.at(0, 0) = 0x5A;
    frame.at(1, 0) = kind;
    return frame;
}

constexpr std::uint8_t kAbort = 1;
constexpr std::uint8_t kThrow = 2;
constexpr std::uint8_t kHang = 3;
constexpr std::uint8_t kSegv = 4;

// Runs the real pipeline, except on marked frames, where it dies the way a buggy library would.
DecodeOutcome hook(FrameDecoder& decoder, const LumaView& frame) {
    if (frame.at(0, 0) == 0x5A) {
        switch (frame.at(1, 0)) {
        case kAbort:
            std::abort();
        case kThrow:
            throw std::out_of_range("vector::_M_range_check"); // uncaught in the worker
        case kHang:
            std::this_thread::sleep_for(10s);
            break;
        case kSegv:
            std::raise(SIGSEGV);
            break;
        default:
            break;
        }
    }
    return decoder.decode(frame);
}

// What this process writes to stderr while it lives: fd 2 goes to a file (journal lines are
// written with write(2) on fd 2, past any stream buffer).
class StderrCapture {
public:
    StderrCapture() {
        char name[] = "/tmp/doorpost-stderr-XXXXXX";
        m_fd = ::mkstemp(name);
        REQUIRE(m_fd >= 0);
        m_path = name;
        m_saved = ::dup(STDERR_FILENO);
        REQUIRE(::dup2(m_fd, STDERR_FILENO) >= 0);
    }
    ~StderrCapture() {
        restore();
        ::close(m_fd);
        ::unlink(m_path.c_str());
    }
    std::string text() {
        restore();
        std::ifstream in(m_path);
        std::stringstream all;
        all << in.rdbuf();
        return all.str();
    }

private:
    void restore() {
        if (m_saved >= 0) {
            ::dup2(m_saved, STDERR_FILENO);
            ::close(m_saved);
            m_saved = -1;
        }
    }
    int m_fd = -1;
    int m_saved = -1;
    std::string m_path;
};

std::size_t lineCount(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("a decoder abort costs one frame and the next frames still decode") {
    IsolationOptions isolation;
    isolation.workerHook = hook;
    IsolatedDecoder decoder({}, isolation);
    const LumaImage good = codeFrame("DP1:NEXT-IN-LINE");

    auto first = decoder.decode(good.view());
    REQUIRE(first);
    REQUIRE(first->read);
    CHECK(first->read->text == "DP1:NEXT-IN-LINE");
    const pid_t before = decoder.workerPid();

    const auto crashed = decoder.decode(poisoned(good, kAbort).view());
    REQUIRE_FALSE(crashed);
    CHECK(crashed.error().kind == DriverErrorKind::Crashed);
    CHECK(decoder.workerRestarts() == 1);
    CHECK(decoder.workerPid() != before);

    for (int i = 0; i < 3; ++i) {
        const auto after = decoder.decode(good.view());
        REQUIRE(after);
        REQUIRE(after->read);
        CHECK(after->read->text == "DP1:NEXT-IN-LINE");
    }
}

TEST_CASE("uncaught exceptions, segfaults and repeated aborts are all survived") {
    IsolationOptions isolation;
    isolation.workerHook = hook;
    IsolatedDecoder decoder({}, isolation);
    const LumaImage good = codeFrame("T-17");
    int crashes = 0;
    int reads = 0;
    // 50 poisoned frames, each followed by a good one that must still read.
    for (int i = 0; i < 50; ++i) {
        const std::uint8_t kind = i % 3 == 0 ? kThrow : (i % 3 == 1 ? kSegv : kAbort);
        const auto bad = decoder.decode(poisoned(good, kind).view());
        crashes += bad ? 0 : 1;
        const auto next = decoder.decode(good.view());
        reads += next && next->read && next->read->text == "T-17" ? 1 : 0;
    }
    CHECK(crashes == 50);
    CHECK(reads == 50);
    CHECK(decoder.workerRestarts() == 50);
}

TEST_CASE("a hung decoder is killed after the hang timeout and replaced") {
    IsolationOptions isolation;
    isolation.workerHook = hook;
    isolation.hangTimeout = 300ms;
    IsolatedDecoder decoder({}, isolation);
    const LumaImage good = codeFrame("HANG-THEN-READ");
    const auto start = std::chrono::steady_clock::now();
    const auto hung = decoder.decode(poisoned(good, kHang).view());
    REQUIRE_FALSE(hung);
    CHECK(hung.error().message.find("hung") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    const auto next = decoder.decode(good.view());
    REQUIRE(next);
    REQUIRE(next->read);
    CHECK(next->read->text == "HANG-THEN-READ");
}

TEST_CASE("frames larger than the shared buffer get a bigger worker") {
    IsolatedDecoder decoder;
    SceneSpec spec;
    spec.width = 2600;
    spec.height = 1600;
    spec.code = CodePayload{"BIG-FRAME", CodeFormat::QRCode};
    spec.degradation.moduleSize = 8;
    const auto image = renderScene(spec);
    REQUIRE(image);
    const auto outcome = decoder.decode(image->view());
    REQUIRE(outcome);
    REQUIRE(outcome->read);
    CHECK(outcome->read->text == "BIG-FRAME");
    CHECK_FALSE(decoder.decode(LumaView{}));
}

TEST_CASE("each worker restart is one warning line, at most one per interval, counting the rest") {
    IsolationOptions isolation;
    isolation.workerHook = hook;
    isolation.restartLineEvery = 400ms;
    const LumaImage good = codeFrame("LOGGED");
    StderrCapture capture;
    std::string first;
    {
        IsolatedDecoder decoder({}, isolation);
        // Three deaths in a few milliseconds: one line, for the first.
        for (const std::uint8_t kind : {kAbort, kSegv, kAbort}) {
            REQUIRE_FALSE(decoder.decode(poisoned(good, kind).view()));
        }
        // Frames that decode write nothing.
        for (int i = 0; i < 20; ++i) {
            REQUIRE(decoder.decode(good.view()));
        }
        first = capture.text();
        std::this_thread::sleep_for(450ms);
        StderrCapture later;
        REQUIRE_FALSE(decoder.decode(poisoned(good, kAbort).view()));
        const std::string second = later.text();
        CHECK(lineCount(second) == 1);
        CHECK(second.find(": decoder worker died on a 640x480 frame (signal 6, ") !=
              std::string::npos);
        CHECK(second.find("; worker replaced (4 restarts since start, 2 not logged since the last "
                          "line)\n") != std::string::npos);
    }
    INFO(first);
    CHECK(lineCount(first) == 1);
    CHECK(first.find(": decoder worker died on a 640x480 frame (signal 6, ") != std::string::npos);
    CHECK(first.find("; worker replaced (1 restart since start)\n") != std::string::npos);
}
