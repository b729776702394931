#pragma once
// Geometric resampling of a located code: turning it upright and enlarging it. ZXing-C++ 1.4
// reads linear and stacked codes (Code128, PDF417) along rows and fails once the bars lean by
// more than a few degrees; and its binarizer needs a module to span about two pixels.

#include "drivers/camera/frame.hpp"

#include <utility>

namespace doorpost::drivers::decode {

// Turns `view` about its centre so that its direction at `angleDeg` (from the x axis towards the
// y axis, y down: RegionProbe::edgeAngleDeg) becomes the x axis, then scales it by
// `scaleX`/`scaleY`, bilinear, into `out` (sized to hold all of it; corners outside the source
// are mid-grey).
void warpRegion(const camera::LumaView& view, double angleDeg, double scaleX, double scaleY,
                camera::LumaImage& out);
// The same, but only the part of that output inside `window` (left, top, width, height in the
// full output's pixels) is computed, into `out`.
void warpRegion(const camera::LumaView& view, double angleDeg, double scaleX, double scaleY,
                camera::LumaImage& out, int windowLeft, int windowTop, int windowWidth,
                int windowHeight);
// Size of warpRegion's full output.
std::pair<int, int> warpedSize(const camera::LumaView& view, double angleDeg, double scaleX,
                               double scaleY);

// Turns leaning bars upright (warpRegion at `angleDeg`) and keeps only where they are: found on
// a quarter-size warp first, so the full-size warp covers the code and not the empty corners
// of its turned bounding box. Returns a view into `out`.
camera::LumaView uprightBars(const camera::LumaView& view, double angleDeg, camera::LumaImage& out,
                             camera::LumaImage& scratch);

// The part of `view` where its bars are (rows and columns with steps across them), with a
// margin for the quiet zone: a turned region is mostly empty corners, and ZXing's cost grows
// with the pixels it is given.
camera::LumaView trimToBars(const camera::LumaView& view);

} // namespace doorpost::drivers::decode
