#pragma once
// Simulated people at a door, for the decoder's own benchmark (`bench decode --people`) and
// tests: each raises a code into view over about a second at 30 fps. The code comes up from
// below the frame, blurred by the motion, which settles once the hand stops; the camera's
// exposure adapts over a few frames; some people tilt or turn their code, some stand in a dim
// spot, some show a phone turned down or under a lamp's glare. Deterministic from the seed.

#include "drivers/synthetic/synthetic_scene.hpp"

#include <cstdint>
#include <vector>

namespace doorpost::drivers::synthetic {

// How one person holds their code (what the frames were made from).
struct Person {
    int enterFrames = 0;     // frames until the hand stops
    double moduleSize = 0.0; // pixels per module once held
    double focus = 0.0;      // the lens's own blur sigma at that distance
    double tiltDeg = 0.0;
    double rotationDeg = 0.0;
    double exposure = 1.0;
    double noise = 0.0;
    double contrast = 1.0;
    double glare = 0.0;
};

struct PersonScript {
    Person person;
    std::vector<SceneSpec> frames;
    int firstWholeFrame = -1; // first frame with the whole code in view (-1: never)
};

struct CrowdOptions {
    int width = 1280;
    int height = 720;
    int frames = 36; // per person: 1.2 s at 30 fps
};

// The frames of person `index` showing `code`.
PersonScript scriptPerson(int index, const CodePayload& code, std::uint64_t seed,
                          const CrowdOptions& options = {});

} // namespace doorpost::drivers::synthetic
