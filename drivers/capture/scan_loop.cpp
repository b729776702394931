#include "drivers/capture/scan_loop.hpp"

#include <algorithm>

namespace doorpost::drivers::capture {

ScanLoop::ScanLoop(std::unique_ptr<camera::FrameSource> source, ScanLoopOptions options,
                   ScanCallbacks callbacks)
    : m_source(std::move(source)), m_options(std::move(options)), m_callbacks(std::move(callbacks)),
      m_duplicates(m_options.goneAfter) {}

ScanLoop::~ScanLoop() {
    stop();
}

DriverStatus ScanLoop::start() {
    if (m_running) {
        return Done{};
    }
    auto opened = m_source->open();
    if (!opened && m_source->state() != camera::SourceState::Unplugged) {
        return opened;
    }
    m_openMessage = opened ? m_source->describe() : opened.error().message;
    // Forked here, before the loop's thread exists.
    m_decoder = std::make_unique<decode::IsolatedDecoder>(m_options.decoder);
    m_running = true;
    m_thread = std::thread([this] { run(); });
    return Done{};
}

void ScanLoop::stop() {
    m_running = false;
    if (m_thread.joinable()) {
        m_thread.join();
    }
    m_source->close();
}

DiagnosticsSnapshot ScanLoop::diagnostics() const {
    std::lock_guard lock(m_mutex);
    return m_diagnostics.snapshot();
}

void ScanLoop::run() {
    camera::SourceState last = m_source->state();
    std::string lastName = m_source->describe();
    if (m_callbacks.onState) {
        m_callbacks.onState(last, m_openMessage); // why not streaming, when it is not
    }
    while (m_running) {
        const camera::NextFrame next = m_source->next(m_options.frameTimeout);
        // A change of state, or of camera (one chosen while the door runs, or a node that came
        // back under another number), is news for whoever shows the camera's state.
        std::string name = m_source->describe();
        if (m_source->state() != last || name != lastName) {
            last = m_source->state();
            lastName = std::move(name);
            if (last != camera::SourceState::Streaming) {
                m_duplicates.reset(); // a reconnected camera starts a fresh view
            }
            if (m_callbacks.onState) {
                m_callbacks.onState(last, next.message);
            }
        }
        if (next.status == camera::NextStatus::Ended ||
            (next.status == camera::NextStatus::Error && last == camera::SourceState::Failed)) {
            break;
        }
        if (next.status != camera::NextStatus::Frame) {
            continue;
        }
        const camera::LumaView& luma = next.frame.luma;
        const bool measure =
            m_framesSeen++ % static_cast<std::uint64_t>(std::max(1, m_options.measureEvery)) == 0;
        FrameReport report;
        std::optional<DriverResult<decode::DecodeOutcome>> outcome;
        if (worthDecoding(luma)) {
            outcome = m_decoder->decode(luma);
            report.decoded = true;
            report.read = *outcome && (*outcome)->read;
            const bool codeLike = *outcome && ((*outcome)->sawCandidate || report.read);
            m_idleFrames = codeLike ? 0 : m_idleFrames + 1;
        }
        if (measure) {
            m_lastPicture = measurePicture(luma);
        }
        {
            std::lock_guard lock(m_mutex);
            m_diagnostics.addFrame(m_lastPicture, report.read, report.decoded && !*outcome);
        }
        if (report.read) {
            // Where it was, for the preview's outline: the decoder answers with content only,
            // so the locator (a fraction of a millisecond) is asked on the frames that read.
            const auto regions = decode::locateCodes(luma, 1);
            if (!regions.empty()) {
                report.where = regions.front();
            }
            const decode::CodeRead& code = *(*outcome)->read;
            if (m_duplicates.accept(code.format, code.bytes, next.frame.captured) &&
                m_callbacks.onRead) {
                m_callbacks.onRead({code, next.frame.captured, next.frame.sequence, report.where});
            }
        }
        if (m_callbacks.onFrame) {
            m_callbacks.onFrame(next.frame, report);
        }
    }
}

bool ScanLoop::worthDecoding(const camera::LumaView& frame) {
    // An empty doorway for more than a second: every Nth frame is decoded, and any frame in
    // between whose texture looks like a code. A code held up is therefore decoded on the frame
    // it appears in, and an empty view costs the locator instead of the decoder.
    constexpr std::uint64_t kIdleAfter = 30;
    const auto every = static_cast<std::uint64_t>(std::max(1, m_options.idleDecodeEvery));
    if (every == 1 || m_idleFrames < kIdleAfter || m_idleFrames % every == 0) {
        return true;
    }
    bool flooded = false;
    if (!decode::locateCodes(frame, 1, &flooded).empty() || flooded) {
        return true;
    }
    ++m_idleFrames;
    return false;
}

} // namespace doorpost::drivers::capture
