#include "drivers/decode/region_probe.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <numbers>

namespace doorpost::drivers::decode {

RegionProbe probeRegion(const camera::LumaView& view, double noiseSigma) {
    RegionProbe probe;
    if (view.empty() || view.width() < 8 || view.height() < 8) {
        return probe;
    }
    std::array<int, 256> greys{};
    std::array<int, 256> steps{};     // |gradient| over one pixel, capped
    double xx = 0, yy = 0, xy = 0;    // each step by its strength
    double uxx = 0, uyy = 0, uxy = 0; // each clear step once
    // A clear step: 8 grey levels, or 4 deviations of the noise of a difference of two pixels.
    const double clearStep = std::max(64.0, 32.0 * noiseSigma * noiseSigma);
    int samples = 0;
    for (int y = 1; y + 1 < view.height(); y += 2) {
        for (int x = 1; x + 1 < view.width(); x += 2) {
            ++greys[view.at(x, y)];
            const int gx = view.at(x + 1, y) - view.at(x - 1, y);
            const int gy = view.at(x, y + 1) - view.at(x, y - 1);
            xx += gx * gx;
            yy += gy * gy;
            xy += gx * gy;
            const double magnitude = gx * gx + gy * gy;
            if (magnitude >= clearStep) {
                uxx += gx * gx / magnitude;
                uyy += gy * gy / magnitude;
                uxy += gx * gy / magnitude;
            }
            ++steps[static_cast<std::size_t>(
                std::min(255, std::max(std::abs(gx), std::abs(gy)) / 2))];
            ++samples;
        }
    }
    const auto percentile = [&](const std::array<int, 256>& histogram, double p) {
        const int wanted = static_cast<int>(p * samples);
        int seen = 0;
        for (int v = 0; v < 256; ++v) {
            seen += histogram[static_cast<std::size_t>(v)];
            if (seen > wanted) {
                return v;
            }
        }
        return 255;
    };
    probe.contrast = percentile(greys, 0.98) - percentile(greys, 0.02);
    // Structure tensors: the angle of the dominant gradient and how much of it runs that way.
    // Weighted by strength, the sharp bars give the angle most precisely, but the strong edge of
    // the card around a faded code outweighs the code; counting each clear step once, the code
    // wins, but its angle is less precise. In a noisy frame every step is clear: by strength.
    const auto angleOf = [](double a, double b, double c) {
        return 0.5 * std::atan2(2.0 * c, a - b) * 180.0 / std::numbers::pi;
    };
    const auto coherenceOf = [](double a, double b, double c) {
        return std::sqrt((a - b) * (a - b) + 4.0 * c * c) / (a + b + 1e-9);
    };
    // Sensor noise adds 2 sigma^2 to each direction's mean squared central difference, the same
    // every way: in a noisy frame (where coherence is by strength, below) it is taken out and
    // the code's own edges decide. (A dim Code128 in noise 8-12 showed a coherence under 0.15
    // with the noise left in, so it was searched as a matrix code only.) Where little is left
    // (a flat wall), what is left is the noise's chance: edges every way. In a clean frame the
    // few grey levels of noise are left in: taking them out of a blurred QR's weak gradients
    // read 0.67-0.83 of the blur 2.5 row of --synthetic instead of 0.92-1.00.
    const double noiseEnergy = 2.0 * noiseSigma * noiseSigma * samples;
    if (noiseSigma >= 8.0 && xx + yy - 2.0 * noiseEnergy >= 0.5 * noiseEnergy) {
        xx = std::max(0.0, xx - noiseEnergy);
        yy = std::max(0.0, yy - noiseEnergy);
    }
    const double strong = coherenceOf(xx, yy, xy);
    if (noiseSigma >= 8.0 || uxx + uyy <= 0.0) {
        probe.coherence = strong;
        probe.edgeAngleDeg = angleOf(xx, yy, xy);
    } else {
        probe.coherence = coherenceOf(uxx, uyy, uxy);
        probe.edgeAngleDeg = strong >= 0.2 ? angleOf(xx, yy, xy) : angleOf(uxx, uyy, uxy);
    }
    const int steepest = std::max(1, percentile(steps, 0.995));
    probe.edgeWidth = probe.contrast / steepest;
    return probe;
}

} // namespace doorpost::drivers::decode
