#include "drivers/synthetic/synthetic_source.hpp"

#include <thread>
#include <utility>

namespace doorpost::drivers::synthetic {

SyntheticSource::SyntheticSource(SyntheticConfig config) : m_config(std::move(config)) {}

DriverStatus SyntheticSource::open() {
    if (m_config.width <= 0 || m_config.height <= 0) {
        m_state = camera::SourceState::Failed;
        return DriverError{DriverErrorKind::BadInput, "synthetic frame size must be positive"};
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
    if (m_config.frameLimit != 0 && m_sequence >= m_config.frameLimit) {
        m_state = camera::SourceState::Ended;
        out.status = camera::NextStatus::Ended;
        return out;
    }
    camera::FrameClock::time_point scheduled = camera::FrameClock::now();
    if (m_config.fps > 0) {
        const auto now = camera::FrameClock::now();
        if (m_nextDue > now + timeout) {
            std::this_thread::sleep_for(timeout);
            out.status = camera::NextStatus::Timeout;
            return out;
        }
        std::this_thread::sleep_until(m_nextDue);
        // A paced source's frame is "taken" on its schedule, not when the consumer got round
        // to asking: timestamps stay evenly spaced even when the consumer falls behind.
        scheduled = m_nextDue;
        m_nextDue += std::chrono::duration_cast<camera::FrameClock::duration>(
            std::chrono::duration<double>(1.0 / m_config.fps));
    }

    SceneSpec spec;
    spec.width = m_config.width;
    spec.height = m_config.height;
    spec.degradation = m_config.degradation;
    spec.seed = m_config.seed * 1000003ull + m_sequence;
    m_lastPayload = nullptr;
    const auto cycle = static_cast<std::uint64_t>(m_config.framesWithCode + m_config.framesWithout);
    if (!m_config.payloads.empty() && cycle > 0) {
        const std::uint64_t turn = m_sequence / cycle;
        const std::uint64_t inTurn = m_sequence % cycle;
        if (inTurn < static_cast<std::uint64_t>(m_config.framesWithCode)) {
            m_lastPayload = &m_config.payloads[turn % m_config.payloads.size()];
            spec.code = *m_lastPayload;
            // The hand drifts a little from frame to frame.
            spec.centerX = 0.5 + 0.01 * static_cast<double>(inTurn % 5) - 0.02;
            spec.centerY = 0.5 + 0.008 * static_cast<double>(inTurn % 3) - 0.008;
        }
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
    out.frame.captured = m_config.fps > 0 ? scheduled : camera::FrameClock::now();
    return out;
}

void SyntheticSource::close() {
    m_state = camera::SourceState::Closed;
    m_image = {};
}

} // namespace doorpost::drivers::synthetic
