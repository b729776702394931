#include "drivers/synthetic/synthetic_source.hpp"

#include <optional>
#include <thread>
#include <utility>

namespace doorpost::drivers::synthetic {

SyntheticSource::SyntheticSource(SyntheticConfig config) : m_config(std::move(config)) {}

DriverStatus SyntheticSource::open() {
    if (m_config.width <= 0 || m_config.height <= 0) {
        m_state = camera::SourceState::Failed;
        return DriverError{DriverErrorKind::BadInput, "synthetic frame size must be positive"};
    }
    if (m_config.renderOnce && m_scenes.empty()) {
        if (auto rendered = renderScenes(); !rendered) {
            m_state = camera::SourceState::Failed;
            return rendered;
        }
    }
    if (m_state != camera::SourceState::Streaming) {
        m_state = camera::SourceState::Streaming;
        m_sequence = 0;
        m_nextDue = camera::FrameClock::now();
    }
    return Done{};
}

camera::NextFrame SyntheticSource::next(std::chrono::milliseconds timeout) {
    camera::NextFrame out;
    if (m_state != camera::SourceState::Streaming) {
        out.status = m_state == camera::SourceState::Ended ? camera::NextStatus::Ended
                                                           : camera::NextStatus::Error;
        out.message = "synthetic source is not open";
        return out;
    }
    // Checked before pacing (an ended source does not wait a frame) and again after dropped
    // slots moved the sequence on.
    auto ended = [&] {
        if (m_config.frameLimit == 0 || m_sequence < m_config.frameLimit)
            return false;
        m_state = camera::SourceState::Ended;
        out.status = camera::NextStatus::Ended;
        return true;
    };
    if (ended())
        return out;
    // Without dropWhenBehind a paced frame is "taken" on its schedule, not when the consumer got
    // round to asking: timestamps stay evenly spaced when the consumer falls behind.
    std::optional<camera::FrameClock::time_point> scheduled;
    if (m_config.fps > 0) {
        const auto interval = std::chrono::duration_cast<camera::FrameClock::duration>(
            std::chrono::duration<double>(1.0 / m_config.fps));
        const auto now = camera::FrameClock::now();
        if (m_nextDue > now + timeout) {
            std::this_thread::sleep_for(timeout);
            out.status = camera::NextStatus::Timeout;
            return out;
        }
        // A camera whose reader falls behind drops the frames it has no buffer for; it does not
        // queue them up. Slots that passed a whole frame interval ago are skipped (the sequence
        // counts them, as a driver's does), so no backlog builds and a frame is never older
        // than one interval when it is handed over.
        if (m_config.dropWhenBehind && now - m_nextDue >= interval) {
            const auto missed = static_cast<std::uint64_t>((now - m_nextDue) / interval);
            m_sequence += missed;
            m_dropped += missed;
            m_nextDue += interval * static_cast<camera::FrameClock::duration::rep>(missed);
        }
        std::this_thread::sleep_until(m_nextDue);
        scheduled = m_nextDue;
        m_nextDue += interval;
    }
    if (ended())
        return out;

    const std::optional<std::size_t> payload = payloadAt(m_sequence);
    m_lastPayload = payload ? &m_config.payloads[*payload] : nullptr;
    if (m_config.renderOnce) {
        out.status = camera::NextStatus::Frame;
        out.frame.luma = m_scenes[payload ? 1 + *payload : 0].view();
        out.frame.sequence = m_sequence++;
        out.frame.captured = frameTime(scheduled);
        return out;
    }

    SceneSpec spec = sceneSpec(m_sequence);
    if (m_lastPayload) {
        spec.code = *m_lastPayload;
        // The hand drifts a little from frame to frame.
        const std::uint64_t inTurn = m_sequence % cycle();
        spec.centerX = 0.5 + 0.01 * static_cast<double>(inTurn % 5) - 0.02;
        spec.centerY = 0.5 + 0.008 * static_cast<double>(inTurn % 3) - 0.008;
    }
    auto rendered = renderScene(spec);
    if (!rendered) {
        m_state = camera::SourceState::Failed;
        out.status = camera::NextStatus::Error;
        out.message = rendered.error().message;
        return out;
    }
    m_image = std::move(rendered).value();
    out.status = camera::NextStatus::Frame;
    out.frame.luma = m_image.view();
    out.frame.sequence = m_sequence++;
    out.frame.captured = frameTime(scheduled);
    return out;
}

camera::FrameClock::time_point
SyntheticSource::frameTime(std::optional<camera::FrameClock::time_point> scheduled) const {
    // Dropping as a camera does, a frame is "taken" when it is ready, after its rendering: what
    // comes after (decoding, the gate, the screen) is timed from the moment a camera would have
    // delivered it, and the renderer's own cost is not counted as the kiosk's latency.
    if (!scheduled || m_config.dropWhenBehind) {
        return camera::FrameClock::now();
    }
    return *scheduled;
}

std::uint64_t SyntheticSource::cycle() const {
    return static_cast<std::uint64_t>(m_config.framesWithCode + m_config.framesWithout);
}

std::optional<std::size_t> SyntheticSource::payloadAt(std::uint64_t sequence) const {
    if (m_config.payloads.empty() || cycle() == 0 ||
        sequence % cycle() >= static_cast<std::uint64_t>(m_config.framesWithCode))
        return std::nullopt;
    return (sequence / cycle()) % m_config.payloads.size();
}

SceneSpec SyntheticSource::sceneSpec(std::uint64_t seedOffset) const {
    SceneSpec spec;
    spec.width = m_config.width;
    spec.height = m_config.height;
    spec.degradation = m_config.degradation;
    spec.seed = m_config.seed * 1000003ull + seedOffset;
    return spec;
}

DriverStatus SyntheticSource::renderScenes() {
    std::vector<camera::LumaImage> scenes;
    for (std::size_t i = 0; i <= m_config.payloads.size(); ++i) {
        SceneSpec spec = sceneSpec(i);
        if (i > 0)
            spec.code = m_config.payloads[i - 1];
        auto rendered = renderScene(spec);
        if (!rendered) {
            return rendered.error();
        }
        scenes.push_back(std::move(rendered).value());
    }
    m_scenes = std::move(scenes);
    return Done{};
}

void SyntheticSource::close() {
    m_state = camera::SourceState::Closed;
    m_image = {};
}

} // namespace doorpost::drivers::synthetic
