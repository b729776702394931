#include "kiosk/app/camera_feed.hpp"

#include "drivers/camera/frame_source.hpp"
#include "storage/base/journal_log.hpp"

#include <algorithm>
#include <thread>
#include <utility>

namespace doorpost::kiosk::app {

namespace camera = drivers::camera;

// The source the scan loop drives: the chosen camera, which staff can swap and scripts can
// "unplug". Threads meet here: setPlugged() and replace() come from the UI or staff threads and
// only leave a wish under the mutex; the capture thread acts on it in next().
class CameraFeed::Socket final : public camera::FrameSource {
public:
    explicit Socket(std::unique_ptr<camera::FrameSource> inner) : m_inner(std::move(inner)) {}

    void setPlugged(bool plugged) {
        std::lock_guard lock(m_mutex);
        m_wantPlugged = plugged;
    }
    void replace(std::unique_ptr<camera::FrameSource> source) {
        std::lock_guard lock(m_mutex);
        m_pending = std::move(source);
    }

    DriverStatus open() override { return m_inner->open(); }
    void close() override { m_inner->close(); }
    std::string describe() const override { return m_inner->describe(); }

    camera::SourceState state() const override {
        if (!m_plugged) {
            return camera::SourceState::Unplugged;
        }
        const camera::SourceState inner = m_inner->state();
        // A source that failed or ran out stays "unplugged" to the loop, so it keeps running
        // and a camera chosen later by staff is taken up.
        return inner == camera::SourceState::Failed || inner == camera::SourceState::Ended
                   ? camera::SourceState::Unplugged
                   : inner;
    }

    camera::NextFrame next(std::chrono::milliseconds timeout) override {
        std::unique_ptr<camera::FrameSource> replaced;
        {
            std::lock_guard lock(m_mutex);
            if (m_pending) {
                replaced = std::exchange(m_inner, std::move(m_pending));
            }
            m_plugged = m_wantPlugged;
        }
        if (replaced) {
            replaced->close();
            (void)m_inner->open(); // its state says how it went
        }
        if (!m_plugged) {
            m_inner->close();
            std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(20)));
            return {camera::NextStatus::Unplugged, {}, "unplugged"};
        }
        if (m_inner->state() == camera::SourceState::Closed) {
            (void)m_inner->open(); // plugged back in
        }
        const camera::SourceState inner = m_inner->state();
        if (inner == camera::SourceState::Failed || inner == camera::SourceState::Ended) {
            std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(200)));
            return {camera::NextStatus::Unplugged,
                    {},
                    m_inner->describe() + " is " + camera::toString(inner)};
        }
        return m_inner->next(timeout);
    }

private:
    std::mutex m_mutex; // guards m_pending and m_wantPlugged
    std::unique_ptr<camera::FrameSource> m_pending;
    bool m_wantPlugged = true;
    // Capture thread only:
    std::unique_ptr<camera::FrameSource> m_inner;
    bool m_plugged = true;
};

namespace {

DeviceState chipState(camera::SourceState state) {
    switch (state) {
    case camera::SourceState::Streaming:
        return DeviceState::Ok;
    case camera::SourceState::Closed:
        return DeviceState::Starting;
    case camera::SourceState::Unplugged:
    case camera::SourceState::Ended:
    case camera::SourceState::Failed:
        return DeviceState::Offline;
    }
    return DeviceState::Offline;
}

std::shared_ptr<PreviewFrame> scaledPreview(const camera::LumaView& luma, int maxWidth,
                                            std::uint64_t generation) {
    const int step = std::max(1, (luma.width() + maxWidth - 1) / maxWidth);
    auto preview = std::make_shared<PreviewFrame>();
    preview->width = luma.width() / step;
    preview->height = luma.height() / step;
    preview->generation = generation;
    preview->luma.resize(static_cast<std::size_t>(preview->width) *
                         static_cast<std::size_t>(preview->height));
    for (int y = 0; y < preview->height; ++y) {
        const std::uint8_t* row = luma.row(y * step);
        std::uint8_t* out = preview->luma.data() +
                            static_cast<std::size_t>(y) * static_cast<std::size_t>(preview->width);
        const int pixelStep = step * luma.pixelStride();
        for (int x = 0; x < preview->width; ++x) {
            out[x] = row[x * pixelStep];
        }
    }
    return preview;
}

} // namespace

CameraFeed::CameraFeed(std::unique_ptr<camera::FrameSource> source, CameraEvents events,
                       CameraFeedConfig config)
    : m_events(std::move(events)), m_config(std::move(config)) {
    auto socket = std::make_unique<Socket>(std::move(source));
    m_socket = socket.get();
    drivers::capture::ScanCallbacks callbacks;
    // All three run on the capture thread (the loop's).
    callbacks.onRead = [this](const drivers::capture::ScanRead& read) {
        ++m_reads;
        if (m_events.onRead) {
            m_events.onRead(CodeRead{read.read.text, ReadSource::Camera,
                                     drivers::decode::toString(read.read.format), read.seen,
                                     read.frame});
        }
    };
    callbacks.onState = [this](camera::SourceState state, const std::string& detail) {
        // One journal line per change of the camera's state (the loop calls this only on a
        // change), never per frame.
        if (chipState(state) == DeviceState::Offline) {
            logLine(LogPriority::Warning, "doorpost",
                    "camera " + m_socket->describe() + ": " + detail);
        } else if (state == camera::SourceState::Streaming) {
            logLine(LogPriority::Info, "doorpost", "camera " + m_socket->describe() + ": working");
        }
        if (m_events.onState) {
            m_events.onState(chipState(state), state == camera::SourceState::Streaming
                                                   ? m_socket->describe()
                                                   : detail);
        }
    };
    callbacks.onFrame = [this](const camera::Frame& frame,
                               const drivers::capture::FrameReport& report) {
        onFrame(frame, report);
    };
    m_loop = std::make_unique<drivers::capture::ScanLoop>(std::move(socket), m_config.scan,
                                                          std::move(callbacks));
}

CameraFeed::~CameraFeed() {
    // Join the capture thread while m_loop still points at the loop: reset() clears the pointer
    // before it destroys the loop, and a frame in flight calls m_loop->diagnostics().
    m_loop->stop();
    m_loop.reset();
}

Result<void> CameraFeed::start() {
    if (auto started = m_loop->start(); !started) {
        return environmentFault("camera: " + started.error().message);
    }
    return {};
}

Result<void> CameraFeed::setPlugged(bool plugged) {
    m_socket->setPlugged(plugged);
    return {};
}

void CameraFeed::switchTo(std::unique_ptr<camera::FrameSource> source) {
    m_socket->replace(std::move(source));
}

drivers::capture::DiagnosticsSnapshot CameraFeed::diagnostics() const {
    return m_loop->diagnostics();
}

void CameraFeed::onFrame(const camera::Frame& frame, const drivers::capture::FrameReport& report) {
    const auto now = camera::FrameClock::now();
    if (report.where) {
        m_lastWhere = report.where;
        m_lastReadAt = now;
    }
    if (m_events.onPreview && now - m_lastPreview >= m_config.previewInterval) {
        m_lastPreview = now;
        auto preview = scaledPreview(frame.luma, m_config.previewMaxWidth, ++m_generation);
        if (m_lastWhere && now - m_lastReadAt < m_config.outlineFor && preview->width > 0) {
            const float k = static_cast<float>(preview->width) / frame.luma.width();
            const auto& r = *m_lastWhere;
            const float x0 = r.left * k;
            const float y0 = r.top * k;
            const float x1 = (r.left + r.width) * k;
            const float y1 = (r.top + r.height) * k;
            preview->outline = {x0, y0, x1, y0, x1, y1, x0, y1};
        }
        m_events.onPreview(std::move(preview));
    }
    if (m_events.onHints && now - m_lastHints >= m_config.hintsEvery) {
        m_lastHints = now;
        auto hints = m_loop->diagnostics().hints;
        if (hints != m_hints) {
            m_hints = hints;
            m_events.onHints(std::move(hints));
        }
    }
}

} // namespace doorpost::kiosk::app
