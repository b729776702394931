#include "kiosk/app/camera_feed.hpp"

#include "drivers/camera/frame_source.hpp"
#include "drivers/decode/isolated_decoder.hpp"
#include "storage/base/journal_log.hpp"

#include <algorithm>
#include <utility>

namespace doorpost::kiosk::app {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<PreviewFrame> scaledPreview(const drivers::camera::LumaView& luma, int maxWidth,
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
        for (int x = 0; x < preview->width; ++x) {
            out[x] = row[x * step];
        }
    }
    return preview;
}

} // namespace

CameraFeed::CameraFeed(std::unique_ptr<drivers::camera::FrameSource> source,
                       std::unique_ptr<drivers::decode::IsolatedDecoder> decoder,
                       CameraEvents events, CameraFeedConfig config)
    : m_source(std::move(source)), m_decoder(std::move(decoder)), m_events(std::move(events)),
      m_config(config) {}

CameraFeed::~CameraFeed() {
    m_stop = true;
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (m_source) {
        m_source->close();
    }
}

void CameraFeed::start() {
    m_thread = std::thread([this] { loop(); });
}

Result<void> CameraFeed::setPlugged(bool plugged) {
    m_plugged = plugged;
    return {};
}

void CameraFeed::postState(DeviceState state, const std::string& detail) {
    if (state == m_postedState) {
        return;
    }
    m_postedState = state;
    // One journal line per change of the camera's state, never per frame.
    if (state == DeviceState::Offline) {
        logLine(LogPriority::Warning, "doorpost", "camera " + m_source->describe() + ": " + detail);
    } else if (state == DeviceState::Ok) {
        logLine(LogPriority::Info, "doorpost", "camera " + detail + ": working");
    }
    if (m_events.onState) {
        m_events.onState(state, detail);
    }
}

void CameraFeed::loop() {
    using drivers::camera::NextStatus;
    postState(DeviceState::Starting, m_source->describe());
    std::uint64_t generation = 0;
    Clock::time_point lastPreview{};
    std::string lastText;
    Clock::time_point lastTextSeen{};
    bool open = false;
    while (!m_stop) {
        if (!m_plugged) {
            if (open) {
                m_source->close();
                open = false;
            }
            postState(DeviceState::Offline, "unplugged");
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (!open) {
            if (!m_source->open().ok()) {
                postState(DeviceState::Offline, "cannot open " + m_source->describe());
                std::this_thread::sleep_for(m_config.retryInterval);
                continue;
            }
            open = true;
        }
        drivers::camera::NextFrame next = m_source->next(std::chrono::milliseconds(200));
        if (next.status == NextStatus::Unplugged || next.status == NextStatus::Ended ||
            next.status == NextStatus::Error) {
            postState(DeviceState::Offline, next.message);
            if (next.status != NextStatus::Unplugged) {
                m_source->close();
                open = false;
                std::this_thread::sleep_for(m_config.retryInterval);
            }
            continue;
        }
        if (next.status != NextStatus::Frame) {
            continue;
        }
        postState(DeviceState::Ok, m_source->describe());
        const auto now = Clock::now();
        if (now - lastPreview >= m_config.previewInterval) {
            lastPreview = now;
            auto preview = scaledPreview(next.frame.luma, m_config.previewMaxWidth, ++generation);
            if (m_events.onPreview) {
                m_events.onPreview(std::move(preview));
            }
        }
        if (!m_decoder) {
            continue;
        }
        auto outcome = m_decoder->decode(next.frame.luma);
        if (!outcome.ok() || !outcome.value().read) {
            continue; // a crashed decode is that frame's loss only; the worker is already back
        }
        const drivers::decode::CodeRead& read = *outcome.value().read;
        // A code held up stays in view for many frames: it is one read until it has been away.
        const bool repeat = read.text == lastText && now - lastTextSeen < m_config.repeatWindow;
        lastText = read.text;
        lastTextSeen = now;
        if (repeat) {
            continue;
        }
        ++m_reads;
        if (m_events.onRead) {
            m_events.onRead(
                CodeRead{read.text, ReadSource::Camera, drivers::decode::toString(read.format)});
        }
    }
}

} // namespace doorpost::kiosk::app
