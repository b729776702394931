#pragma once
// A FrameSource that renders scenes (synthetic_scene.hpp): people holding up codes in turn, with
// empty frames between them. Drives the demo, the tests and the benchmarks without a camera.

#include "drivers/frame_source.hpp"
#include "drivers/synthetic_scene.hpp"

#include <cstdint>
#include <vector>

namespace doorpost::drivers {

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

class SyntheticSource final : public FrameSource {
public:
    explicit SyntheticSource(SyntheticConfig config);

    DriverStatus open() override;
    NextFrame next(std::chrono::milliseconds timeout) override;
    void close() override;
    SourceState state() const override { return m_state; }
    std::string describe() const override { return "synthetic"; }

    // The payload in view in the last delivered frame, if any (for tests and benches).
    const CodePayload* lastPayload() const { return m_lastPayload; }

private:
    SyntheticConfig m_config;
    SourceState m_state = SourceState::Closed;
    LumaImage m_image; // the buffer the last frame's view points into
    std::uint64_t m_sequence = 0;
    const CodePayload* m_lastPayload = nullptr;
    FrameClock::time_point m_nextDue;
};

} // namespace doorpost::drivers
