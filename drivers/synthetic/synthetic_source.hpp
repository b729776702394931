#pragma once
// A FrameSource that renders scenes (synthetic_scene.hpp): people holding up codes in turn, with
// empty frames between them. Drives the demo, the tests and the benchmarks without a camera.

#include "drivers/camera/frame_source.hpp"
#include "drivers/synthetic/synthetic_scene.hpp"

#include <cstdint>
#include <vector>

namespace doorpost::drivers::synthetic {

struct SyntheticConfig {
    int width = 1280;
    int height = 720;
    double fps = 0.0; // 0: as fast as asked; otherwise frames are paced at this rate
    std::vector<CodePayload> payloads; // shown in turn; none: only empty frames
    Degradation degradation;
    int framesWithCode = 8; // each payload is in view this many frames...
    int framesWithout = 4;  // ...then the view is empty this many frames
    std::uint64_t seed = 1;
    std::uint64_t frameLimit = 0; // 0: endless; otherwise Ended after this many frames
};

class SyntheticSource final : public camera::FrameSource {
public:
    explicit SyntheticSource(SyntheticConfig config);

    DriverStatus open() override;
    camera::NextFrame next(std::chrono::milliseconds timeout) override;
    void close() override;
    camera::SourceState state() const override { return m_state; }
    std::string describe() const override { return "synthetic"; }

    // The payload in view in the last delivered frame, if any (for tests and benches).
    const CodePayload* lastPayload() const { return m_lastPayload; }

private:
    SyntheticConfig m_config;
    camera::SourceState m_state = camera::SourceState::Closed;
    camera::LumaImage m_image; // the buffer the last frame's view points into
    std::uint64_t m_sequence = 0;
    const CodePayload* m_lastPayload = nullptr;
    camera::FrameClock::time_point m_nextDue;
};

} // namespace doorpost::drivers::synthetic
