#include "drivers/capture/scan_loop.hpp"

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
    if (m_callbacks.onState) {
        m_callbacks.onState(last, m_source->describe());
    }
    while (m_running) {
        const camera::NextFrame next = m_source->next(m_options.frameTimeout);
        if (m_source->state() != last) {
            last = m_source->state();
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
        const PictureStats picture = measurePicture(next.frame.luma);
        const auto outcome = m_decoder->decode(next.frame.luma);
        const bool read = outcome && outcome->read;
        {
            std::lock_guard lock(m_mutex);
            m_diagnostics.addFrame(picture, read, !outcome);
        }
        if (read &&
            m_duplicates.accept(outcome->read->format, outcome->read->bytes, next.frame.captured) &&
            m_callbacks.onRead) {
            m_callbacks.onRead({*outcome->read, next.frame.captured, next.frame.sequence});
        }
    }
}

} // namespace doorpost::drivers::capture
