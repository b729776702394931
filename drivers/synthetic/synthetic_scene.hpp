#pragma once
// Renders what a kiosk camera would see: a code printed on a white card, held in front of a
// cluttered background, with the degradations of a real door (distance, tilt, motion blur,
// sensor noise, bad exposure, glare). Fully deterministic from the seed, so the tests, the demo
// and the benchmarks see the same pixels on every machine.

#include "drivers/camera/frame.hpp"
#include "drivers/decode/code_format.hpp"
#include "storage/base/driver_error.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace doorpost::drivers::synthetic {

struct CodePayload {
    std::string text;
    decode::CodeFormat format = decode::CodeFormat::QRCode;
};

struct Degradation {
    double moduleSize = 4.0;  // pixels per module on the image (distance to the camera)
    double rotationDeg = 0.0; // in-plane rotation of the card
    double tiltDeg = 0.0;     // perspective: card turned about its vertical axis
    double blurSigma = 0.0;   // Gaussian blur (focus, motion), pixels
    double noiseSigma = 0.0;  // Gaussian sensor noise, grey levels
    double contrast = 1.0;    // 1: black ink on white paper; lower: faded print, screen glare
    double exposure = 1.0;    // multiplies every pixel: < 1 too dark, > 1 overexposed
    double glare = 0.0;       // peak of a bright reflection over the code, 0..1
};

struct SceneSpec {
    int width = 1280;
    int height = 720;
    std::optional<CodePayload> code; // nothing held up when empty
    Degradation degradation;
    double centerX = 0.5; // where the code's centre is, as a fraction of the frame
    double centerY = 0.5;
    std::uint64_t seed = 1;
};

// Renders a scene. Fails only when the payload cannot be encoded in the asked format.
DriverResult<camera::LumaImage> renderScene(const SceneSpec& spec);

// Where the code (with its quiet zone) lands in the frame, in pixels, before blur: what a
// benchmark needs to tell when a code is whole in view. Fails as renderScene does, or when the
// scene has no code.
struct CodeBounds {
    double left = 0, top = 0, right = 0, bottom = 0;
    bool insideFrame(int width, int height) const {
        return left >= 0 && top >= 0 && right <= width && bottom <= height;
    }
};
DriverResult<CodeBounds> codeBounds(const SceneSpec& spec);

} // namespace doorpost::drivers::synthetic
