#include "drivers/decode/float_plane.hpp"

#include <algorithm>
#include <cmath>

namespace doorpost::drivers::decode {

FloatPlane toFloat(const camera::LumaView& view) {
    FloatPlane plane;
    if (view.empty()) {
        return plane;
    }
    plane.width = view.width();
    plane.height = view.height();
    plane.pixels.resize(static_cast<std::size_t>(plane.width) * plane.height);
    for (int y = 0; y < plane.height; ++y) {
        const std::uint8_t* in = view.row(y);
        float* out = plane.row(y);
        const auto step = static_cast<std::size_t>(view.pixelStride());
        for (int x = 0; x < plane.width; ++x) {
            out[x] = in[static_cast<std::size_t>(x) * step];
        }
    }
    return plane;
}

void toLuma(const FloatPlane& plane, camera::LumaImage& out) {
    if (out.width() != plane.width || out.height() != plane.height) {
        out = camera::LumaImage(plane.width, plane.height);
    }
    for (int y = 0; y < plane.height; ++y) {
        const float* in = plane.row(y);
        std::uint8_t* row = out.row(y);
        for (int x = 0; x < plane.width; ++x) {
            row[x] = static_cast<std::uint8_t>(std::clamp(in[x] + 0.5f, 0.0f, 255.0f));
        }
    }
}

void convolveSeparable(FloatPlane& plane, const std::vector<float>& kernelX,
                       const std::vector<float>& kernelY, std::vector<float>& scratch) {
    const int w = plane.width, h = plane.height;
    if (w == 0 || h == 0) {
        return;
    }
    if (!kernelX.empty()) {
        const int r = static_cast<int>(kernelX.size()) / 2;
        // Each row padded by its edge values, so the inner loop has no bounds checks.
        std::vector<float> padded(static_cast<std::size_t>(w + 2 * r));
        for (int y = 0; y < h; ++y) {
            float* row = plane.row(y);
            std::fill(padded.begin(), padded.begin() + r, row[0]);
            std::copy(row, row + w, padded.begin() + r);
            std::fill(padded.begin() + r + w, padded.end(), row[w - 1]);
            std::fill(row, row + w, 0.0f);
            // Tap by tap over the whole row (not pixel by pixel over the taps): the inner loop
            // is a plain multiply-add over consecutive floats, which the compiler vectorises.
            for (std::size_t k = 0; k < kernelX.size(); ++k) {
                const float weight = kernelX[k];
                const float* in = padded.data() + k;
                for (int x = 0; x < w; ++x) {
                    row[x] += weight * in[x];
                }
            }
        }
    }
    if (!kernelY.empty()) {
        const int r = static_cast<int>(kernelY.size()) / 2;
        scratch.assign(plane.pixels.size(), 0.0f);
        // Row by row (not column by column), so memory is read in order and the loop vectorises.
        for (int y = 0; y < h; ++y) {
            float* out = scratch.data() + static_cast<std::size_t>(y) * w;
            for (int k = -r; k <= r; ++k) {
                const float weight = kernelY[static_cast<std::size_t>(k + r)];
                const float* in = plane.row(std::clamp(y + k, 0, h - 1));
                for (int x = 0; x < w; ++x) {
                    out[x] += weight * in[x];
                }
            }
        }
        plane.pixels.swap(scratch);
    }
}

std::vector<float> gaussianKernel(double sigma) {
    const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
    std::vector<float> kernel(static_cast<std::size_t>(2 * radius + 1));
    double total = 0.0;
    for (int i = -radius; i <= radius; ++i) {
        const double k = std::exp(-0.5 * i * i / (sigma * sigma));
        kernel[static_cast<std::size_t>(i + radius)] = static_cast<float>(k);
        total += k;
    }
    for (auto& k : kernel) {
        k = static_cast<float>(k / total);
    }
    return kernel;
}

} // namespace doorpost::drivers::decode
