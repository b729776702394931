#include "drivers/decode/local_contrast.hpp"

#include "drivers/decode/float_plane.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace doorpost::drivers::decode {

void normaliseLocally(const camera::LumaView& view, double sigma, camera::LumaImage& out,
                      std::vector<float>& scratch) {
    if (view.empty()) {
        out = camera::LumaImage();
        return;
    }
    const int w = view.width(), h = view.height();
    // Mean and variance vary slowly (over sigma, 4-8 pixels): they are measured at half size,
    // an eighth of the filtering work, and read back with bilinear interpolation.
    const int hw = std::max(1, w / 2), hh = std::max(1, h / 2);
    FloatPlane mean;
    mean.width = hw;
    mean.height = hh;
    mean.pixels.resize(static_cast<std::size_t>(hw) * hh);
    for (int y = 0; y < hh; ++y) {
        for (int x = 0; x < hw; ++x) {
            const int x1 = std::min(w - 1, 2 * x + 1), y1 = std::min(h - 1, 2 * y + 1);
            mean.row(y)[x] = 0.25f * static_cast<float>(view.at(2 * x, 2 * y) + view.at(x1, 2 * y) +
                                                        view.at(2 * x, y1) + view.at(x1, y1));
        }
    }
    FloatPlane variance = mean;
    const std::vector<float> kernel = gaussianKernel(sigma / 2.0);
    convolveSeparable(mean, kernel, kernel, scratch);
    for (std::size_t i = 0; i < variance.pixels.size(); ++i) {
        const float d = variance.pixels[i] - mean.pixels[i];
        variance.pixels[i] = d * d;
    }
    convolveSeparable(variance, kernel, kernel, scratch);
    if (out.width() != w || out.height() != h) {
        out = camera::LumaImage(w, h);
    }
    for (int y = 0; y < h; ++y) {
        const float fy = std::clamp((y - 0.5f) / 2.0f, 0.0f, static_cast<float>(hh - 1));
        const int y0 = static_cast<int>(fy), y1 = std::min(hh - 1, y0 + 1);
        const float ay = fy - static_cast<float>(y0);
        std::uint8_t* row = out.row(y);
        for (int x = 0; x < w; ++x) {
            const float fx = std::clamp((x - 0.5f) / 2.0f, 0.0f, static_cast<float>(hw - 1));
            const int x0 = static_cast<int>(fx), x1 = std::min(hw - 1, x0 + 1);
            const float ax = fx - static_cast<float>(x0);
            const auto lerp = [&](const FloatPlane& p) {
                const float top = (1 - ax) * p.row(y0)[x0] + ax * p.row(y0)[x1];
                const float bottom = (1 - ax) * p.row(y1)[x0] + ax * p.row(y1)[x1];
                return (1 - ay) * top + ay * bottom;
            };
            const float v = 128.0f + 60.0f * (static_cast<float>(view.at(x, y)) - lerp(mean)) /
                                         std::sqrt(lerp(variance) + 4.0f);
            row[x] = static_cast<std::uint8_t>(std::clamp(v + 0.5f, 0.0f, 255.0f));
        }
    }
}

} // namespace doorpost::drivers::decode
