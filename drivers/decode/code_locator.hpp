#pragma once
// Finds where in a frame a code probably is, cheaply (well under a millisecond at 1280x720):
// codes are dense, high-contrast texture, unlike faces, walls and door frames. The decoder reads
// these regions first, and runs its costlier retries on them instead of on the whole frame,
// which is how a 1280x720 frame fits in a few milliseconds of one core.
//
// What counts as a step in grey follows the frame's own sensor noise (measured on each frame):
// a clean frame shows a faded or blurred code by steps of a few grey levels, a frame from a dim
// hall is searched on 2x2 or 4x4 block averages, where the noise has averaged out but a code's
// modules have not.

#include "drivers/camera/frame.hpp"

#include <vector>

namespace doorpost::drivers::decode {

struct Region {
    int left = 0;
    int top = 0;
    int width = 0;
    int height = 0;
};

struct LocatorResult {
    std::vector<Region> regions; // largest first, in frame pixels, with a margin
    // Everything looks like texture (noise beyond what averaging tames): only a whole-frame
    // search makes sense, and the frame deserves the full time budget.
    bool flooded = false;
    double noiseSigma = 0.0; // estimated sensor noise, grey levels
    int blockSize = 1;       // the averaging the search used (1, 2 or 4)
};

// Sensor noise of a frame, in grey levels: from the median step between neighbouring pixels,
// which flat areas (most of any frame) dominate and edges hardly move.
double estimateNoise(const camera::LumaView& frame);

LocatorResult locateCodeRegions(const camera::LumaView& frame, std::size_t maxRegions);

// Up to `maxRegions` candidate regions (see LocatorResult); `flooded` as above.
std::vector<Region> locateCodes(const camera::LumaView& frame, std::size_t maxRegions = 2,
                                bool* flooded = nullptr);

} // namespace doorpost::drivers::decode
