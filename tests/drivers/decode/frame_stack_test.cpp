// A dim hall: the decoder averages a held code's frames (FrameStack), judges bars by their own
// edges rather than the sensor noise's (probeRegion), and starts the strategy round over when
// only costly strategies are left.

#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/frame_stack.hpp"
#include "drivers/decode/region_probe.hpp"
#include "drivers/decode/strategy_schedule.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>

using namespace doorpost::drivers::camera;
using namespace doorpost::drivers::decode;

namespace {

// A dim card of random 3 px modules (grey 30 and 70) at (x0, y0), 96 px square, on grey 40,
// with Gaussian sensor noise.
LumaImage dimCard(int x0, int y0, double noise, std::uint32_t seed) {
    LumaImage image(320, 240, 40);
    std::mt19937 modules(7); // the same card every frame
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, noise);
    std::vector<int> grid(32 * 32);
    for (int& g : grid) {
        g = (modules() & 1) != 0 ? 30 : 70;
    }
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            double v = 40;
            if (x >= x0 && x < x0 + 96 && y >= y0 && y < y0 + 96) {
                v = grid[static_cast<std::size_t>((y - y0) / 3) * 32 + (x - x0) / 3];
            }
            image.at(x, y) =
                static_cast<std::uint8_t>(std::clamp(std::lround(v + gauss(rng)), 0L, 255L));
        }
    }
    return image;
}

// Vertical bars of random widths 3-9 px, 40 grey levels apart, in noise.
LumaImage dimBars(double noise) {
    LumaImage image(256, 128, 0);
    std::mt19937 rng(3);
    std::normal_distribution<double> gauss(0.0, noise);
    std::vector<int> column(256);
    int x = 0;
    bool dark = true;
    while (x < 256) {
        const int width = 3 + static_cast<int>(rng() % 3) * 3;
        for (int i = 0; i < width && x < 256; ++i, ++x) {
            column[static_cast<std::size_t>(x)] = dark ? 30 : 70;
        }
        dark = !dark;
    }
    for (int y = 0; y < image.height(); ++y) {
        for (int c = 0; c < image.width(); ++c) {
            image.at(c, y) = static_cast<std::uint8_t>(std::clamp(
                std::lround(column[static_cast<std::size_t>(c)] + gauss(rng)), 0L, 255L));
        }
    }
    return image;
}

} // namespace

TEST_CASE("the frame stack aligns a trembling card and averages its noise away") {
    FrameStack stack;
    const Region card{100, 60, 96, 96};
    const LumaImage first = dimCard(100, 60, 10.0, 1);
    stack.add(first.view(), card);
    REQUIRE(stack.count() == 1);
    // The hand trembles: the card is 3 px right and 2 px up in the next frame.
    const LumaImage second = dimCard(103, 58, 10.0, 2);
    stack.add(second.view(), card);
    CHECK(stack.count() == 2);
    CHECK(stack.lastShiftX() == 3);
    CHECK(stack.lastShiftY() == -2);
    const std::array<std::pair<int, int>, 6> tremor{
        {{-2, 1}, {1, 2}, {0, -1}, {2, 0}, {-1, -2}, {0, 0}}};
    std::uint32_t seed = 3;
    for (const auto& [dx, dy] : tremor) {
        const LumaImage frame = dimCard(100 + dx, 60 + dy, 10.0, seed++);
        stack.add(frame.view(), card);
        CHECK(stack.lastShiftX() == dx);
        CHECK(stack.lastShiftY() == dy);
    }
    CHECK(stack.count() == FrameStack::kWindow);
    // Eight frames: about a third of the noise (estimateNoise reads flat areas, the background).
    LumaImage mean;
    const double stacked = estimateNoise(stack.mean(mean));
    CHECK(stacked < 0.5 * estimateNoise(first.view()));
    CHECK(stacked > 0.0);

    // A region elsewhere is another code: a new stack.
    stack.add(first.view(), Region{10, 10, 64, 64});
    CHECK(stack.count() == 1);
    stack.reset();
    CHECK(stack.count() == 0);
}

TEST_CASE("bars in a dim hall's noise still count as bars") {
    // 40 grey levels of bars in noise 10: the noise's own steps, the same every way, used to
    // outweigh the bars' (coherence under 0.15, searched as a matrix code only).
    const LumaImage bars = dimBars(10.0);
    const RegionProbe probe = probeRegion(bars.view(), estimateNoise(bars.view()));
    CHECK(probe.coherence >= 0.45);
    CHECK(std::abs(probe.edgeAngleDeg) < 10.0);
    // Noise alone stays no-way.
    const LumaImage flat = dimCard(400, 400, 10.0, 9); // the card outside the frame: noise only
    CHECK(probeRegion(flat.view(), 10.0).coherence < 0.2);
}

TEST_CASE("a dim hall's region is smoothed first, and a new round starts when needed") {
    RegionTraits dim;
    dim.noiseSigma = 8.1;
    dim.probe.contrast = 75; // mostly the noise's own spread
    dim.probe.edgeWidth = 4.0;
    std::size_t required = 0;
    const auto order = orderStrategies(dim, &required);
    CHECK(order.front() == Strategy::Denoise);
    CHECK(required == 1);

    StrategySchedule schedule;
    schedule.beginFrame(Region{0, 0, 100, 100}, dim);
    for (const Strategy s : schedule.pending()) {
        if (s != Strategy::WholeFrame) {
            schedule.tried(s);
        }
    }
    schedule.beginFrame(Region{0, 0, 100, 100}, dim);
    CHECK(schedule.pending().size() == 2); // the required one and the costly one left
    schedule.newRound();
    CHECK(schedule.pending().size() == order.size());
}
