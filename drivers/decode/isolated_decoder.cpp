#include "drivers/decode/isolated_decoder.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace doorpost::drivers::decode {
namespace {

constexpr std::size_t kMinCapacity = 1920 * 1088;
constexpr std::size_t kMaxAnswer = 64 * 1024;

struct Request {
    std::int32_t width = 0;
    std::int32_t height = 0;
    std::uint32_t exhaustive = 0;
    std::uint32_t newStream = 0;
};

struct AnswerHeader {
    std::uint32_t found = 0;
    std::uint32_t format = 0;
    std::uint32_t stage = 0;
    std::uint32_t binary = 0;
    std::int32_t stagesRun = 0;
    std::int32_t libraryErrors = 0;
    std::uint32_t sawCandidate = 0;
    std::int64_t elapsedUs = 0;
    std::int64_t cpuUs = 0;
    std::uint32_t textLength = 0;
    std::uint32_t bytesLength = 0;
};

std::vector<std::uint8_t> encodeAnswer(const DecodeOutcome& outcome) {
    AnswerHeader header;
    header.stagesRun = outcome.stagesRun;
    header.libraryErrors = outcome.libraryErrors;
    header.sawCandidate = outcome.sawCandidate ? 1 : 0;
    header.elapsedUs = outcome.elapsed.count();
    header.cpuUs = outcome.cpu.count();
    std::string text;
    std::vector<std::uint8_t> bytes;
    if (outcome.read) {
        header.found = 1;
        header.format = static_cast<std::uint32_t>(outcome.read->format);
        header.stage = static_cast<std::uint32_t>(outcome.read->stage);
        header.binary = outcome.read->binary ? 1 : 0;
        text = outcome.read->text.substr(0, kMaxAnswer / 4);
        bytes.assign(
            outcome.read->bytes.begin(),
            outcome.read->bytes.begin() +
                static_cast<std::ptrdiff_t>(std::min(outcome.read->bytes.size(), kMaxAnswer / 4)));
        header.textLength = static_cast<std::uint32_t>(text.size());
        header.bytesLength = static_cast<std::uint32_t>(bytes.size());
    }
    std::vector<std::uint8_t> message(sizeof header + text.size() + bytes.size());
    std::memcpy(message.data(), &header, sizeof header);
    std::memcpy(message.data() + sizeof header, text.data(), text.size());
    if (!bytes.empty()) {
        std::memcpy(message.data() + sizeof header + text.size(), bytes.data(), bytes.size());
    }
    return message;
}

bool decodeAnswer(const std::uint8_t* data, std::size_t size, DecodeOutcome& outcome) {
    AnswerHeader header;
    if (size < sizeof header) {
        return false;
    }
    std::memcpy(&header, data, sizeof header);
    if (sizeof header + header.textLength + header.bytesLength != size) {
        return false;
    }
    outcome.stagesRun = header.stagesRun;
    outcome.libraryErrors = header.libraryErrors;
    outcome.sawCandidate = header.sawCandidate != 0;
    outcome.elapsed = std::chrono::microseconds(header.elapsedUs);
    outcome.cpu = std::chrono::microseconds(header.cpuUs);
    if (header.found != 0) {
        CodeRead read;
        read.format = static_cast<CodeFormat>(header.format);
        read.stage = static_cast<DecodeStage>(header.stage);
        read.binary = header.binary != 0;
        const auto* text = reinterpret_cast<const char*>(data + sizeof header);
        read.text.assign(text, header.textLength);
        const std::uint8_t* bytes = data + sizeof header + header.textLength;
        read.bytes.assign(bytes, bytes + header.bytesLength);
        outcome.read = std::move(read);
    }
    return true;
}

} // namespace

IsolatedDecoder::IsolatedDecoder(DecoderOptions options, IsolationOptions isolation)
    : m_options(std::move(options)), m_isolation(std::move(isolation)) {
    // Started at once, so the fork happens early and the first frame pays no start-up cost.
    (void)startWorker(kMinCapacity);
}

IsolatedDecoder::~IsolatedDecoder() {
    stopWorker();
}

DriverStatus IsolatedDecoder::startWorker(std::size_t capacity) {
    void* shared =
        mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        return DriverError{DriverErrorKind::Device,
                           std::string("decoder memory: ") + std::strerror(errno)};
    }
    int sockets[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
        munmap(shared, capacity);
        return DriverError{DriverErrorKind::Device,
                           std::string("decoder socket: ") + std::strerror(errno)};
    }
    const pid_t parent = getpid();
    // fork() in a threaded process: the child only runs the decode loop below and leaves by
    // _exit(); glibc re-initialises the malloc locks in the child, so allocating there is safe.
    const pid_t pid = fork();
    if (pid < 0) {
        close(sockets[0]);
        close(sockets[1]);
        munmap(shared, capacity);
        return DriverError{DriverErrorKind::Device,
                           std::string("decoder fork: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        close(sockets[0]);
        // The worker must not outlive the kiosk.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(0);
        }
        // The kiosk's (or a test framework's) signal handlers must not run in the worker: a crash
        // there has to end the worker, so the parent sees it die.
        for (int sig = 1; sig < NSIG; ++sig) {
            if (sig != SIGKILL && sig != SIGSTOP) {
                std::signal(sig, SIG_DFL);
            }
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        m_socket = sockets[1];
        m_shared = static_cast<std::uint8_t*>(shared);
        m_capacity = capacity;
        workerLoop();
    }
    close(sockets[1]);
    if (m_everStarted) {
        ++m_restarts;
    }
    m_everStarted = true;
    m_pid = pid;
    m_socket = sockets[0];
    m_shared = static_cast<std::uint8_t*>(shared);
    m_capacity = capacity;
    return Done{};
}

void IsolatedDecoder::workerLoop() {
    FrameDecoder decoder(m_options);
    for (;;) {
        Request request;
        const ssize_t got = recv(m_socket, &request, sizeof request, 0);
        if (got != static_cast<ssize_t>(sizeof request)) {
            _exit(0); // the kiosk closed the socket or went away
        }
        const camera::LumaView frame(m_shared, request.width, request.height, request.width);
        if (request.newStream != 0) {
            decoder.resetStream();
        }
        // noexcept: an exception that escapes the pipeline ends the worker (std::terminate)
        // instead of unwinding into the kiosk code the child was forked from.
        const auto decodeOne = [&]() noexcept {
            if (m_isolation.workerHook) {
                return m_isolation.workerHook(decoder, frame);
            }
            return request.exhaustive != 0 ? decoder.decodeExhaustive(frame)
                                           : decoder.decode(frame);
        };
        const DecodeOutcome outcome = decodeOne();
        const auto answer = encodeAnswer(outcome);
        if (send(m_socket, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) {
            _exit(0);
        }
    }
}

void IsolatedDecoder::stopWorker() {
    if (m_pid > 0) {
        // Killed, not asked: another worker forked later may hold a copy of our socket, so the
        // worker would not see EOF; and a worker has no state worth a clean exit.
        kill(m_pid, SIGKILL);
        close(m_socket);
        m_socket = -1;
        int status = 0;
        while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
        m_pid = -1;
    }
    if (m_shared != nullptr) {
        munmap(m_shared, m_capacity);
        m_shared = nullptr;
        m_capacity = 0;
    }
}

DriverResult<DecodeOutcome> IsolatedDecoder::decode(const camera::LumaView& frame) {
    if (frame.empty()) {
        return DriverError{DriverErrorKind::BadInput, "empty frame"};
    }
    const std::size_t needed = static_cast<std::size_t>(frame.width()) * frame.height();
    if (m_pid <= 0 || needed > m_capacity) {
        stopWorker();
        auto started = startWorker(std::max(kMinCapacity, needed));
        if (!started) {
            return started.error();
        }
    }
    // The one copy on the way: the worker cannot see the camera's buffers.
    camera::copyLuma(frame, m_shared);
    Request request{frame.width(), frame.height(), m_isolation.exhaustive ? 1u : 0u,
                    m_newStream ? 1u : 0u};
    m_newStream = false;
    std::vector<std::uint8_t> answer(kMaxAnswer);
    ssize_t got = -1;
    std::string why = "decoder worker died";
    if (send(m_socket, &request, sizeof request, MSG_NOSIGNAL) ==
        static_cast<ssize_t>(sizeof request)) {
        pollfd pfd{m_socket, POLLIN, 0};
        int ready = 0;
        do {
            ready = poll(&pfd, 1, static_cast<int>(m_isolation.hangTimeout.count()));
        } while (ready < 0 && errno == EINTR);
        if (ready == 0) {
            why = "decoder worker hung";
        } else if (ready > 0) {
            got = recv(m_socket, answer.data(), answer.size(), 0);
        }
    }
    DecodeOutcome outcome;
    if (got > 0 && decodeAnswer(answer.data(), static_cast<std::size_t>(got), outcome)) {
        return outcome;
    }
    // The worker died (abort, uncaught exception, signal) or hung on this frame: replace it
    // now, so the next frame is decoded without delay.
    const std::size_t capacity = m_capacity;
    stopWorker();
    (void)startWorker(capacity);
    return DriverError{DriverErrorKind::Crashed, why};
}

} // namespace doorpost::drivers::decode
