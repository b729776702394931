#pragma once
// Frames travel from a source to the decoder as non-owning luma views (8-bit grey, rows `stride`
// bytes apart, pixels `pixelStride` bytes apart), so a camera buffer is decoded where it lies,
// without a copy: a GREY buffer has pixelStride 1, the Y samples of a YUYV buffer pixelStride 2.

#include <chrono>
#include <cstdint>
#include <vector>

namespace doorpost::drivers::camera {

// A checked, non-owning view of 8-bit luma. A view built from bad geometry (null data, a size
// <= 0, a stride shorter than a row) is empty instead of pointing at memory it does not own, so
// a caller checks `empty()` once and every consumer can trust width/height/stride.
class LumaView {
public:
    LumaView() = default;
    LumaView(const std::uint8_t* data, int width, int height, int stride, int pixelStride = 1) {
        if (data != nullptr && width > 0 && height > 0 && pixelStride >= 1 && pixelStride <= 4 &&
            static_cast<long long>(stride) >= static_cast<long long>(width - 1) * pixelStride + 1) {
            m_data = data;
            m_width = width;
            m_height = height;
            m_stride = stride;
            m_pixelStride = pixelStride;
        }
    }

    bool empty() const { return m_data == nullptr; }
    const std::uint8_t* data() const { return m_data; }
    const std::uint8_t* row(int y) const {
        return m_data + static_cast<std::ptrdiff_t>(y) * m_stride;
    }
    // Pixel x of a row is row(y)[x * pixelStride()].
    std::uint8_t at(int x, int y) const {
        return row(y)[static_cast<std::ptrdiff_t>(x) * m_pixelStride];
    }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int stride() const { return m_stride; }
    int pixelStride() const { return m_pixelStride; }
    // One byte per pixel, rows back to back: what libraries without strides need.
    bool contiguous() const { return m_pixelStride == 1 && m_stride == m_width; }

    // A sub-rectangle, clipped to this view; empty if nothing is left.
    LumaView cropped(int left, int top, int width, int height) const;

private:
    const std::uint8_t* m_data = nullptr;
    int m_width = 0;
    int m_height = 0;
    int m_stride = 0;
    int m_pixelStride = 1;
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
// Copies a view into `out` (width * height bytes), rows back to back, one byte per pixel.
void copyLuma(const LumaView& view, std::uint8_t* out);

using FrameClock = std::chrono::steady_clock;

// One frame as a source hands it out. `luma` stays valid until the next call to
// FrameSource::next() or close() on the source that produced it.
struct Frame {
    LumaView luma;
    std::uint64_t sequence = 0;      // counts frames delivered since open(), from 0
    FrameClock::time_point captured; // when the frame was taken (monotonic)
};

} // namespace doorpost::drivers::camera
