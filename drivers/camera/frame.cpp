#include "drivers/camera/frame.hpp"

#include "drivers/camera/frame_source.hpp"
#include "storage/base/driver_error.hpp"

#include <algorithm>
#include <cstring>

namespace doorpost::drivers::camera {

LumaView LumaView::cropped(int left, int top, int width, int height) const {
    if (empty()) {
        return {};
    }
    const int x0 = std::clamp(left, 0, m_width);
    const int y0 = std::clamp(top, 0, m_height);
    const int x1 = std::clamp(left + width, x0, m_width);
    const int y1 = std::clamp(top + height, y0, m_height);
    if (x1 <= x0 || y1 <= y0) {
        return {};
    }
    return {row(y0) + static_cast<std::ptrdiff_t>(x0) * m_pixelStride, x1 - x0, y1 - y0, m_stride,
            m_pixelStride};
}

LumaImage::LumaImage(int width, int height, std::uint8_t fill)
    : m_pixels(static_cast<std::size_t>(std::max(width, 0)) *
                   static_cast<std::size_t>(std::max(height, 0)),
               fill),
      m_width(std::max(width, 0)), m_height(std::max(height, 0)) {}

LumaImage copyOf(const LumaView& view) {
    if (view.empty()) {
        return {};
    }
    LumaImage image(view.width(), view.height());
    copyLuma(view, image.row(0));
    return image;
}

void copyLuma(const LumaView& view, std::uint8_t* out) {
    const auto w = static_cast<std::size_t>(view.width());
    for (int y = 0; y < view.height(); ++y, out += w) {
        const std::uint8_t* in = view.row(y);
        if (view.pixelStride() == 1) {
            std::memcpy(out, in, w);
        } else {
            for (std::size_t x = 0; x < w; ++x) {
                out[x] = in[x * static_cast<std::size_t>(view.pixelStride())];
            }
        }
    }
}

const char* toString(SourceState state) {
    switch (state) {
    case SourceState::Closed:
        return "closed";
    case SourceState::Streaming:
        return "streaming";
    case SourceState::Unplugged:
        return "unplugged";
    case SourceState::Ended:
        return "ended";
    case SourceState::Failed:
        return "failed";
    }
    return "failed";
}

} // namespace doorpost::drivers::camera
