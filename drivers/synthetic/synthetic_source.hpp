#pragma once
// A FrameSource that renders scenes (synthetic_scene.hpp): people holding up codes in turn, with
// empty frames between them. Drives the demo, the tests and the benchmarks without a camera.

#include "drivers/camera/frame_source.hpp"
#include "drivers/synthetic/synthetic_scene.hpp"

#include <cstdint>
#include <optional>
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
    // Render each distinct scene once, when the source opens (the empty doorway, and each
    // payload held still), and deliver those pictures at the cadence, as the fake camera of the
    // device tests replays its images: a frame then costs nothing to make, so a benchmark of the
    // kiosk does not measure the renderer (~40 ms of CPU a 1280x720 frame, more than a 30 fps
    // frame interval). Off: every frame is rendered anew (the hand drifts, the noise changes).
    bool renderOnce = false;
    // Paced (fps > 0): when the reader (or the rendering) falls a whole frame interval behind,
    // skip the frames it missed, as a camera drops frames it has no buffer for, and stamp each
    // frame when it is ready. Off: every frame is delivered, late, with its scheduled time, so a
    // test sees every frame of its sequence whatever the machine's load.
    bool dropWhenBehind = false;
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
    // Frame slots skipped because the reader (or the renderer) fell a frame or more behind.
    std::uint64_t framesDropped() const { return m_dropped; }

private:
    // Frames in one turn: a payload held up, then the empty doorway.
    std::uint64_t cycle() const;
    // The payload in view at frame `sequence` (index into m_config.payloads), if any.
    std::optional<std::size_t> payloadAt(std::uint64_t sequence) const;
    // Size, degradation and a seed derived from the config's (one per frame or per scene).
    SceneSpec sceneSpec(std::uint64_t seedOffset) const;
    DriverStatus renderScenes();
    camera::FrameClock::time_point
    frameTime(std::optional<camera::FrameClock::time_point> scheduled) const;

    SyntheticConfig m_config;
    camera::SourceState m_state = camera::SourceState::Closed;
    camera::LumaImage m_image; // the buffer the last frame's view points into
    // renderOnce: [0] the empty doorway, [1 + i] payload i held up.
    std::vector<camera::LumaImage> m_scenes;
    std::uint64_t m_dropped = 0;
    std::uint64_t m_sequence = 0;
    const CodePayload* m_lastPayload = nullptr;
    camera::FrameClock::time_point m_nextDue;
};

} // namespace doorpost::drivers::synthetic
