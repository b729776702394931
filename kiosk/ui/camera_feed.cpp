#include "kiosk/ui/camera_feed.hpp"

#include "drivers/frame_source.hpp"
#include "drivers/isolated_decoder.hpp"
#include "kiosk/ui/ui_model.hpp"

#include <algorithm>
#include <utility>

namespace doorpost::kiosk::ui {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<PreviewFrame> scaledPreview(const drivers::LumaView& luma, int maxWidth,
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

ReadSink gateReadSink(GatePort& gate, std::shared_ptr<UiQueue> queue) {
    return [&gate, queue](CodeRead read) {
        // Capture thread -> UI thread: show that a read is being recorded.
        queue->post([](UiModel& m) { beginGateRequest(m, GateRequest::Read); });
        // Capture thread -> gate thread; its answer comes back to the UI through the queue.
        gate.submitRead(std::move(read), [queue](Result<VerdictView> verdict) {
            queue->post([verdict](UiModel& m) { applyVerdict(m, verdict, Clock::now()); });
        });
    };
}

CameraFeed::CameraFeed(std::unique_ptr<drivers::FrameSource> source,
                       std::unique_ptr<drivers::IsolatedDecoder> decoder, UiQueue& queue,
                       ReadSink sink, CameraFeedConfig config)
    : m_source(std::move(source)), m_decoder(std::move(decoder)), m_queue(queue),
      m_sink(std::move(sink)), m_config(config) {}

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

void CameraFeed::postState(int state, const std::string& detail) {
    if (state == m_postedState) {
        return;
    }
    m_postedState = state;
    // Capture thread -> UI thread: the camera chip.
    m_queue.post([state, detail](UiModel& m) {
        m.camera.state = static_cast<DeviceState>(state);
        m.camera.detail = detail;
    });
}

void CameraFeed::loop() {
    using drivers::NextStatus;
    postState(static_cast<int>(DeviceState::Starting), m_source->describe());
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
            postState(static_cast<int>(DeviceState::Offline), "unplugged");
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (!open) {
            if (!m_source->open().ok()) {
                postState(static_cast<int>(DeviceState::Offline),
                          "cannot open " + m_source->describe());
                std::this_thread::sleep_for(m_config.retryInterval);
                continue;
            }
            open = true;
        }
        drivers::NextFrame next = m_source->next(std::chrono::milliseconds(200));
        if (next.status == NextStatus::Unplugged || next.status == NextStatus::Ended ||
            next.status == NextStatus::Error) {
            postState(static_cast<int>(DeviceState::Offline), next.message);
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
        postState(static_cast<int>(DeviceState::Ok), m_source->describe());
        const auto now = Clock::now();
        if (now - lastPreview >= m_config.previewInterval) {
            lastPreview = now;
            auto preview = scaledPreview(next.frame.luma, m_config.previewMaxWidth, ++generation);
            m_queue.post([preview](UiModel& m) { m.preview = preview; });
        }
        if (!m_decoder) {
            continue;
        }
        auto outcome = m_decoder->decode(next.frame.luma);
        if (!outcome.ok() || !outcome.value().read) {
            continue; // a crashed decode is that frame's loss only; the worker is already back
        }
        const drivers::CodeRead& read = *outcome.value().read;
        // A code held up stays in view for many frames: it is one read until it has been away.
        const bool repeat = read.text == lastText && now - lastTextSeen < m_config.repeatWindow;
        lastText = read.text;
        lastTextSeen = now;
        if (repeat) {
            continue;
        }
        ++m_reads;
        m_sink(CodeRead{read.text, drivers::toString(read.format)});
    }
}

} // namespace doorpost::kiosk::ui
