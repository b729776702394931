#pragma once
// Finds where in a frame a code probably is, cheaply (well under a millisecond at 1280x720):
// codes are dense, high-contrast texture, unlike faces, walls and door frames. The decoder reads
// these regions first, and runs its costlier retries on them instead of on the whole frame,
// which is how a 1280x720 frame fits in a few milliseconds of one core.

#include "drivers/camera/frame.hpp"

#include <vector>

namespace doorpost::drivers::decode {

struct Region {
    int left = 0;
    int top = 0;
    int width = 0;
    int height = 0;
};

// Up to `maxRegions` candidate regions, largest first, in frame pixels, with a margin around
// the texture. Empty when nothing in view looks like a code, or when everything does (a frame
// full of sensor noise; `flooded` is then set: only a whole-frame search makes sense, and the
// frame deserves the full time budget since a code may well be hidden in it).
std::vector<Region> locateCodes(const camera::LumaView& frame, std::size_t maxRegions = 2,
                                bool* flooded = nullptr);

} // namespace doorpost::drivers::decode
