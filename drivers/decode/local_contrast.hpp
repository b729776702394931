#pragma once
// Local contrast normalisation for a located code: each pixel is measured against the mean and
// spread of grey around it (Gaussian-weighted). A code on a screen turned down, faded print, or
// the part of a code next to a glare spot differs from its surroundings by a few grey levels
// only; ZXing's binarizer treats a block of under 24 levels as flat and reads nothing there.
// Unlike a min/max stretch, the statistics are not dragged by the card's edge or the glare
// spot, so the modules next to them come out at full contrast too. (Box windows were measured
// too: cheaper, but PDF417 at 6% contrast read 0 of 4 against 4 of 4 with Gaussian weights.)

#include "drivers/camera/frame.hpp"
#include "drivers/decode/float_plane.hpp"

#include <vector>

namespace doorpost::drivers::decode {

// out = 128 + 60 * (v - mean) / sqrt(variance + 4), mean and variance Gaussian-weighted with
// `sigma` (pixels). `out` is resized as needed; `scratch` is reused between calls.
void normaliseLocally(const camera::LumaView& view, double sigma, camera::LumaImage& out,
                      std::vector<float>& scratch);

// Black (0) where `plane` is darker than its Gaussian-weighted mean over `sigma` pixels, else
// white (255), to be read with a fixed threshold. ZXing's own binarizer takes an 8x8 block of
// under 24 grey levels as flat and one over it as texture: in a dim code (50 levels) under
// sensor noise (8-12) a flat block's noise spans 24 levels, so the block is cut at its mean and
// a finder pattern's dark centre or the quiet zone turns to salt and pepper. `plane` is
// smoothed first by the caller; `out` is resized as needed, `scratch` reused between calls.
void binariseLocally(const FloatPlane& plane, double sigma, camera::LumaImage& out,
                     std::vector<float>& scratch);

} // namespace doorpost::drivers::decode
