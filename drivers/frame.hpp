#pragma once
// Frames travel from a source to the decoder as non-owning luma views (8-bit grey, one byte per
// pixel, rows `stride` bytes apart), so a camera buffer is decoded where it lies, without a copy.

#include <chrono>
#include <cstdint>
#include <vector>

namespace doorpost::drivers {

// A checked, non-owning view of 8-bit luma. A view built from bad geometry (null data, a size
// <= 0, a stride shorter than a row) is empty instead of pointing at memory it does not own, so
// a caller checks `empty()` once and every consumer can trust width/height/stride.
class LumaView {
public:
    LumaView() = default;
    LumaView(const std::uint8_t* data, int width, int height, int stride) {
        if (data != nullptr && width > 0 && height > 0 && stride >= width) {
            m_data = data;
            m_width = width;
            m_height = height;
            m_stride = stride;
        }
    }

    bool empty() const { return m_data == nullptr; }
    const std::uint8_t* data() const { return m_data; }
    const std::uint8_t* row(int y) const { return m_data + static_cast<std::ptrdiff_t>(y) * m_stride; }
    std::uint8_t at(int x, int y) const { return row(y)[x]; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int stride() const { return m_stride; }

    // A sub-rectangle, clipped to this view; empty if nothing is left.
    LumaView cropped(int left, int top, int width, int height) const;

private:
    const std::uint8_t* m_data = nullptr;
    int m_width = 0;
    int m_height = 0;
    int m_stride = 0;
};

// An owning luma image: what loaders and the synthetic renderer produce.
class LumaImage {
public:
    LumaImage() = default;
    LumaImage(int width, int height, std::uint8_t fill = 0);

    int width() const { return m_width; }
    int height() const { return m_height; }
    bool empty() const { return m_pixels.empty(); }
    std::uint8_t* row(int y) { return m_pixels.data() + static_cast<std::size_t>(y) * m_width; }
    const std::uint8_t* row(int y) const {
        return m_pixels.data() + static_cast<std::size_t>(y) * m_width;
    }
    std::uint8_t& at(int x, int y) { return row(y)[x]; }
    std::uint8_t at(int x, int y) const { return row(y)[x]; }
    std::vector<std::uint8_t>& pixels() { return m_pixels; }
    const std::vector<std::uint8_t>& pixels() const { return m_pixels; }
    LumaView view() const { return {m_pixels.data(), m_width, m_height, m_width}; }

private:
    std::vector<std::uint8_t> m_pixels;
    int m_width = 0;
    int m_height = 0;
};

// Copies a view into an owning image (for keeping a frame beyond the source's next call).
LumaImage copyOf(const LumaView& view);

using FrameClock = std::chrono::steady_clock;

// One frame as a source hands it out. `luma` stays valid until the next call to
// FrameSource::next() or close() on the source that produced it.
struct Frame {
    LumaView luma;
    std::uint64_t sequence = 0;      // counts frames delivered since open(), from 0
    FrameClock::time_point captured; // when the frame was taken (monotonic)
};

} // namespace doorpost::drivers
