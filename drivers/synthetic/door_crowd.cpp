#include "drivers/synthetic/door_crowd.hpp"

#include "drivers/synthetic/splitmix.hpp"

#include <algorithm>
#include <cmath>

namespace doorpost::drivers::synthetic {

PersonScript scriptPerson(int index, const CodePayload& code, std::uint64_t seed,
                          const CrowdOptions& options) {
    SplitMix rng(seed * 0x9E3779B97F4A7C15ull +
                 static_cast<std::uint64_t>(index) * 0xD1B54A32D192ED03ull + 1);
    // Who this is: how they hold their code, and where.
    const int enter = 5 + static_cast<int>(rng.next() % 6); // frames until the hand stops
    const double finalX = rng.uniform(0.32, 0.68), finalY = rng.uniform(0.36, 0.64);
    const double startX = finalX + rng.uniform(-0.12, 0.12), startY = 1.3;
    double moduleSize = rng.uniform(2.7, 4.2);
    if (code.format == decode::CodeFormat::Code128) {
        moduleSize *= 0.75; // a ticket's barcode is printed finer
    }
    const double focus = rng.uniform(0.3, 1.1); // the lens's own softness at that distance
    const bool tilted = rng.uniform() < 0.3;
    const bool turned = rng.uniform() < 0.35;
    const bool dim = rng.uniform() < 0.2;
    const bool faded = rng.uniform() < 0.15;
    const bool glare = rng.uniform() < 0.1;
    const double tilt = tilted ? rng.uniform(15.0, 45.0) : rng.uniform(0.0, 8.0);
    const double rotation = turned ? rng.uniform(-30.0, 30.0) : rng.uniform(-4.0, 4.0);
    const double exposure = dim ? rng.uniform(0.25, 0.4) : rng.uniform(0.75, 1.1);
    const double noise = dim ? rng.uniform(8.0, 12.0) : rng.uniform(3.0, 5.0);
    const double contrast = faded ? rng.uniform(0.35, 0.6) : 1.0;
    const double glarePeak = glare ? rng.uniform(0.3, 0.7) : 0.0;
    // Auto-exposure starts off by up to 30% and converges over a few frames.
    const double exposureStart = exposure * rng.uniform(0.7, 1.3);

    PersonScript script;
    script.person = {enter,    moduleSize, focus,    tilt,     rotation,
                     exposure, noise,      contrast, glarePeak};
    double lastX = startX, lastY = startY;
    for (int t = 0; t < options.frames; ++t) {
        SceneSpec spec;
        spec.width = options.width;
        spec.height = options.height;
        spec.code = code;
        spec.seed = seed * 1000003ull + static_cast<std::uint64_t>(index) * 101ull +
                    static_cast<std::uint64_t>(t);
        const double progress = std::min(1.0, static_cast<double>(t) / enter);
        const double ease = 1.0 - (1.0 - progress) * (1.0 - progress);
        // Hand tremor once held: a few pixels.
        const double tremorX = t >= enter ? rng.gaussian() * 2.0 / options.width : 0.0;
        const double tremorY = t >= enter ? rng.gaussian() * 2.0 / options.height : 0.0;
        spec.centerX = startX + (finalX - startX) * ease + tremorX;
        spec.centerY = startY + (finalY - startY) * ease + tremorY;
        // Motion blur from the speed (pixels per frame), then settling once the hand stops.
        const double speed = std::hypot((spec.centerX - lastX) * options.width,
                                        (spec.centerY - lastY) * options.height);
        lastX = spec.centerX;
        lastY = spec.centerY;
        const double settle = t >= enter ? 1.5 * std::exp(-(t - enter) / 2.0) : 0.0;
        Degradation& d = spec.degradation;
        d.moduleSize = moduleSize * (0.85 + 0.15 * ease); // comes closer as it rises
        d.blurSigma = std::min(5.0, focus + 0.08 * speed + settle);
        d.noiseSigma = noise;
        d.exposure = exposure + (exposureStart - exposure) * std::exp(-t / 3.0);
        d.tiltDeg = tilt;
        d.rotationDeg = rotation;
        d.contrast = contrast;
        d.glare = glarePeak;
        if (script.firstWholeFrame < 0) {
            const auto bounds = codeBounds(spec);
            if (bounds && bounds->insideFrame(options.width, options.height)) {
                script.firstWholeFrame = t;
            }
        }
        script.frames.push_back(spec);
    }
    return script;
}

} // namespace doorpost::drivers::synthetic
