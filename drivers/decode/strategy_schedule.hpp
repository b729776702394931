#pragma once
// Which enhancement the decoder tries on a located code, in which order, and across frames.
// A code is in view for 10-30 frames at a door; trying every enhancement on every frame would
// blow the frame budget, trying only the cheap ones would never read a blurred or faded code.
// So the decoder orders the enhancements by what the region looks like (noise, blur, tilted
// bars), runs as many as fit in one frame's budget, and on the next frame of the same code
// carries on where it stopped instead of starting over. A read, or the code leaving view,
// starts the next code from the top.

#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/region_probe.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace doorpost::drivers::decode {

enum class Strategy : std::uint8_t {
    Denoise,       // Gaussian smoothing (sensor noise of a dim hall)
    Rotate,        // turn leaning bars upright (ZXing 1.4 reads linear and PDF417 codes along rows)
    Normalise,     // local contrast normalisation, small window (glare, faded print)
    NormaliseWide, // the same, larger window (very low contrast)
    DeblurLight,   // Wiener deconvolution for a blur of sigma 1.5 px
    DeblurMedium,  // ... 2.5 px
    DeblurHeavy,   // ... 3.5 px
    Upscale,       // 2x (modules under ~2 px: far away, or a card turned away)
    Zbar,          // libzbar on the region as it is
    Harder,        // ZXing tryHarder + tryRotate
    Inverted,      // light-on-dark (phone dark mode)
    WholeFrame, // the whole frame at full resolution (the locator may have found the wrong thing)
};
constexpr int kStrategyCount = 12;
const char* toString(Strategy strategy);

struct RegionTraits {
    double noiseSigma = 0.0; // of the frame (LocatorResult)
    RegionProbe probe;
};

// Every strategy, most promising first for a region like this. The first `*required` of them
// are what the region plainly needs (leaning bars turned upright, a noisy frame smoothed):
// without them nothing else can read it, so they run on every frame, not once per round.
std::vector<Strategy> orderStrategies(const RegionTraits& traits, std::size_t* required = nullptr);

class StrategySchedule {
public:
    // A new frame whose main located region is `region` (none: nothing located). The same code
    // (overlapping the last region) continues the round; anything else starts a new one.
    void beginFrame(const std::optional<Region>& region, const RegionTraits& traits);
    // The required strategies, then those not yet tried on this code in this round, in order.
    // Once all were tried, a new round starts (the picture changes from frame to frame: motion
    // settles, exposure adapts).
    std::vector<Strategy> pending() const;
    void tried(Strategy strategy);
    // Every strategy counts as untried again (none of the round's remaining ones fits).
    void newRound();
    // A read ends the round: the next code starts from the top.
    void readDone();
    // Forget the code in view (a new stream: tests, benchmarks, a reconnected camera).
    void reset();

    int framesOnCode() const { return m_framesOnCode; }
    std::size_t requiredCount() const { return m_required; }

private:
    std::optional<Region> m_region;
    std::vector<Strategy> m_order;
    std::size_t m_required = 0;
    std::array<bool, kStrategyCount> m_tried{};
    int m_framesOnCode = 0;
    int m_framesWithout = 0;
};

// Overlap of two regions as intersection over union, 0..1.
double overlap(const Region& a, const Region& b);

} // namespace doorpost::drivers::decode
