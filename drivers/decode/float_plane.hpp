#pragma once
// A float copy of a (small) part of a frame, for the decoder's enhancement stages: filters that
// sharpen or normalise need values outside 0..255 between steps, and rounding once at the end.
// Only ever a located region (a few hundred pixels square), never a whole camera frame.

#include "drivers/camera/frame.hpp"

#include <cstdint>
#include <vector>

namespace doorpost::drivers::decode {

struct FloatPlane {
    int width = 0;
    int height = 0;
    std::vector<float> pixels;

    float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
    float* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * width; }
    const float* row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * width; }
};

FloatPlane toFloat(const camera::LumaView& view);
// Rounds and clamps to 0..255 into `out` (resized as needed).
void toLuma(const FloatPlane& plane, camera::LumaImage& out);

// Convolves with `kernelX` along rows, then `kernelY` along columns (odd lengths; an empty kernel
// skips that axis); edges are extended. `scratch` is reused between calls.
void convolveSeparable(FloatPlane& plane, const std::vector<float>& kernelX,
                       const std::vector<float>& kernelY, std::vector<float>& scratch);

// A normalised Gaussian kernel out to 3 sigma.
std::vector<float> gaussianKernel(double sigma);

} // namespace doorpost::drivers::decode
