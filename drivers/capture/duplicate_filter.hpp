#pragma once
// A code held up to the camera is in view for many frames; it must count as one read. A code is
// new when it has not been seen for `goneAfter` (it left the view, or the person came back).
// Frames in which the decoder missed a code that is still in view do not split the read, as
// long as the gap is shorter than `goneAfter`.

#include "drivers/camera/frame.hpp"
#include "drivers/decode/code_format.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace doorpost::drivers::capture {

class DuplicateFilter {
public:
    explicit DuplicateFilter(std::chrono::milliseconds goneAfter = std::chrono::milliseconds(1500))
        : m_goneAfter(goneAfter) {}

    // Called for every read, in time order. True: report it; false: the same code is still in
    // view (or came back too soon).
    bool accept(decode::CodeFormat format, const std::vector<std::uint8_t>& bytes,
                camera::FrameClock::time_point seen);

    // Forgets everything (after the source was restarted).
    void reset() { m_lastSeen.clear(); }

private:
    std::chrono::milliseconds m_goneAfter;
    std::map<std::string, camera::FrameClock::time_point> m_lastSeen; // key: format + content
};

} // namespace doorpost::drivers::capture
