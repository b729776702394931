#pragma once
// The running mean of one part of successive frames, each aligned to it first: a code held
// still in a dim hall is the same picture from frame to frame while the sensor noise is new on
// every frame, so the mean of n frames has 1/sqrt(n) of the noise. The hand trembles a few
// pixels, so each frame is shifted (whole pixels, up to kMaxShift) to where it matches the
// mean best before it is added. After kWindow frames the mean follows the newest frames more
// (exposure converging, a card turned a little).

#include "drivers/camera/frame.hpp"
#include "drivers/decode/code_locator.hpp"

#include <vector>

namespace doorpost::drivers::decode {

class FrameStack {
public:
    static constexpr int kMaxShift = 6;
    static constexpr int kWindow = 8;

    // Adds the frame's pixels at `region` (clamped so that every shift stays inside the frame).
    // A region not inside the stack's (another code, the same one moved, or more of it found)
    // starts a new stack there, a tile larger on every side.
    void add(const camera::LumaView& frame, const Region& region);
    void reset();
    int count() const { return m_count; }
    const Region& region() const { return m_region; }
    // The shift of the last frame added, in pixels (for tests).
    int lastShiftX() const { return m_lastDx; }
    int lastShiftY() const { return m_lastDy; }
    // The mean so far, rounded into `out`; its view.
    camera::LumaView mean(camera::LumaImage& out) const;

private:
    Region m_region;
    std::vector<float> m_mean;
    int m_count = 0;
    int m_lastDx = 0;
    int m_lastDy = 0;
};

} // namespace doorpost::drivers::decode
