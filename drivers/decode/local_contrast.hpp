#pragma once
// Local contrast normalisation for a located code: each pixel is measured against the mean and
// spread of grey around it (Gaussian-weighted). A code on a screen turned down, faded print, or
// the part of a code next to a glare spot differs from its surroundings by a few grey levels
// only; ZXing's binarizer treats a block of under 24 levels as flat and reads nothing there.
// Unlike a min/max stretch, the statistics are not dragged by the card's edge or the glare
// spot, so the modules next to them come out at full contrast too. (Box windows were measured
// too: cheaper, but PDF417 at 6% contrast read 0 of 4 against 4 of 4 with Gaussian weights.)

#include "drivers/camera/frame.hpp"

#include <vector>

namespace doorpost::drivers::decode {

// out = 128 + 60 * (v - mean) / sqrt(variance + 4), mean and variance Gaussian-weighted with
// `sigma` (pixels). `out` is resized as needed; `scratch` is reused between calls.
void normaliseLocally(const camera::LumaView& view, double sigma, camera::LumaImage& out,
                      std::vector<float>& scratch);

} // namespace doorpost::drivers::decode
