#pragma once
// Per-source health, for the staff screen and the status command: how many frames came, how
// many gave a read, how many decode attempts failed (crashed or hung worker), and what the
// picture looks like (sharpness as the variance of the Laplacian, exposure as mean luma and
// clipped highlights), turned into plain hints such as "lens dirty or out of focus".
//
// Threads: owned by the capture thread; others read a Snapshot copied out under the owner's
// lock (the snapshot is a plain value).

#include "drivers/camera/frame.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::drivers::capture {

struct PictureStats {
    double sharpness = 0.0;  // variance of the Laplacian (grey levels squared)
    double edgeEnergy = 0.0; // mean absolute gradient: is there any structure in view at all?
    double meanLuma = 0.0;
    double clipped = 0.0; // fraction of pixels at >= 250
};

// Measures a frame on a sparse grid (about 1/16 of the pixels): cheap enough for every frame.
PictureStats measurePicture(const camera::LumaView& frame);

struct DiagnosticsSnapshot {
    std::uint64_t frames = 0;
    std::uint64_t framesWithRead = 0;
    std::uint64_t failedAttempts = 0;
    PictureStats picture; // smoothed over recent frames
    std::vector<std::string> hints;
};

class SourceDiagnostics {
public:
    void addFrame(const PictureStats& picture, bool read, bool failed);
    DiagnosticsSnapshot snapshot() const;

private:
    std::uint64_t m_frames = 0;
    std::uint64_t m_framesWithRead = 0;
    std::uint64_t m_failed = 0;
    std::uint64_t m_sinceRead = 0;
    PictureStats m_smoothed;
};

} // namespace doorpost::drivers::capture
