#include "drivers/decode/isolated_decoder.hpp"

#include "storage/base/journal_log.hpp"

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

int IsolatedDecoder::stopWorker() {
    int status = 0;
    if (m_pid > 0) {
        // Killed, not asked: another worker forked later may hold a copy of our socket, so the
        // worker would not see EOF; and a worker has no state worth a clean exit.
        kill(m_pid, SIGKILL);
        close(m_socket);
        m_socket = -1;
        while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
        m_pid = -1;
    }
    if (m_shared != nullptr) {
        munmap(m_shared, m_capacity);
        m_shared = nullptr;
        m_capacity = 0;
    }
    return status;
}

void IsolatedDecoder::logRestart(const std::string& cause) {
    // Called on the decoding thread only, like everything here; logLine writes one line in one
    // write(2), so it does not interleave with the other threads' lines.
    const auto now = std::chrono::steady_clock::now();
    if (m_lastRestartLine != std::chrono::steady_clock::time_point{} &&
        now - m_lastRestartLine < m_isolation.restartLineEvery) {
        ++m_unloggedRestarts;
        return;
    }
    std::string line = "decoder " + cause + "; worker replaced (" + std::to_string(m_restarts) +
                       (m_restarts == 1 ? " restart" : " restarts") + " since start";
    if (m_unloggedRestarts > 0) {
        line += ", " + std::to_string(m_unloggedRestarts) + " not logged since the last line";
    }
    logLine(LogPriority::Warning, program_invocation_short_name, line + ")");
    m_lastRestartLine = now;
    m_unloggedRestarts = 0;
}

DriverResult<DecodeOutcome> IsolatedDecoder::decode(const camera::LumaView& frame) {
    if (frame.empty()) {
        return DriverError{DriverErrorKind::BadInput, "empty frame"};
    }
    const std::size_t needed = static_cast<std::size_t>(frame.width()) * frame.height();
    if (m_pid <= 0 || needed > m_capacity) {
        stopWorker();
        auto started = startWorker(std::max(kMinCapacity, needed));
        // One line when starting begins to fail and one when it works again, not per frame.
        if (!started) {
            if (!m_startFailing) {
                logLine(LogPriority::Error, program_invocation_short_name,
                        "decoder worker cannot start: " + started.error().message +
                            "; camera frames are not decoded until it can");
            }
            m_startFailing = true;
            return started.error();
        }
        if (m_startFailing) {
            logLine(LogPriority::Info, program_invocation_short_name,
                    "decoder worker started again");
            m_startFailing = false;
        }
    }
    // The one copy on the way: the worker cannot see the camera's buffers.
    camera::copyLuma(frame, m_shared);
    Request request{frame.width(), frame.height(), m_isolation.exhaustive ? 1u : 0u,
                    m_newStream ? 1u : 0u};
    m_newStream = false;
    std::vector<std::uint8_t> answer(kMaxAnswer);
    ssize_t got = -1;
    bool hung = false;
    if (send(m_socket, &request, sizeof request, MSG_NOSIGNAL) ==
        static_cast<ssize_t>(sizeof request)) {
        pollfd pfd{m_socket, POLLIN, 0};
        int ready = 0;
        do {
            ready = poll(&pfd, 1, static_cast<int>(m_isolation.hangTimeout.count()));
        } while (ready < 0 && errno == EINTR);
        if (ready == 0) {
            hung = true;
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
    const int status = stopWorker();
    std::string cause = (hung ? "worker hung on a " : "worker died on a ") +
                        std::to_string(frame.width()) + "x" + std::to_string(frame.height()) +
                        " frame";
    if (hung) {
        cause += " for " + std::to_string(m_isolation.hangTimeout.count()) + " ms";
    } else if (WIFSIGNALED(status)) {
        cause += " (signal " + std::to_string(WTERMSIG(status)) + ", " +
                 strsignal(WTERMSIG(status)) + ")";
    } else if (WIFEXITED(status)) {
        cause += " (exit " + std::to_string(WEXITSTATUS(status)) + ")";
    }
    if (auto started = startWorker(capacity); started) {
        logRestart(cause);
    } else {
        m_startFailing = true;
        logLine(LogPriority::Error, program_invocation_short_name,
                "decoder " + cause + "; no new worker: " + started.error().message);
    }
    return DriverError{DriverErrorKind::Crashed,
                       hung ? "decoder worker hung" : "decoder worker died"};
}

} // namespace doorpost::drivers::decode
