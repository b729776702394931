// The decoder's enhancements of a located code: degraded frames that plain ZXing-C++ cannot read
// must read, with the right text; nothing is read from empty frames; the strategy schedule
// spreads enhancements over the frames of one code. Budgets are generous throughout: these
// tests are about what is read, not how fast (bench decode measures speed).

#include "drivers/decode/baseline_decoder.hpp"
#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/deblur.hpp"
#include "drivers/decode/frame_decoder.hpp"
#include "drivers/decode/strategy_schedule.hpp"
#include "drivers/synthetic/door_crowd.hpp"
#include "drivers/synthetic/synthetic_scene.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

using namespace doorpost::drivers::camera;
using namespace doorpost::drivers::decode;
using namespace doorpost::drivers::synthetic;

namespace {

DecoderOptions doorOptions() {
    DecoderOptions options;
    options.formats = {CodeFormat::QRCode, CodeFormat::PDF417, CodeFormat::Code128};
    options.budget = std::chrono::seconds(5);
    options.idleBudget = std::chrono::seconds(5);
    return options;
}

CodePayload payload(CodeFormat format, int i) {
    const std::string number = std::to_string(202600000 + i * 7919);
    switch (format) {
    case CodeFormat::QRCode:
        return {"DP1:6BFOXN*TS0BI$ZD.P9UOL97O4-2HH77HRM3DSPTV5*" + number, format};
    case CodeFormat::PDF417:
        return {"EXAM2026|" + number + "|ROOM 12|SEAT 07|SESSION AM", format};
    default:
        return {"C" + number, CodeFormat::Code128};
    }
}

struct Case {
    const char* name;
    CodeFormat format;
    Degradation degradation;
};

Degradation with(void (*set)(Degradation&)) {
    Degradation d;
    set(d);
    return d;
}

} // namespace

TEST_CASE("degraded codes that plain ZXing misses read, with the right text") {
    const Case cases[] = {
        {"blur 2.5 QR", CodeFormat::QRCode, with([](Degradation& d) { d.blurSigma = 2.5; })},
        {"blur 2.5 PDF417", CodeFormat::PDF417, with([](Degradation& d) { d.blurSigma = 2.5; })},
        {"noise 50 QR", CodeFormat::QRCode, with([](Degradation& d) { d.noiseSigma = 50; })},
        {"noise 50 PDF417", CodeFormat::PDF417, with([](Degradation& d) { d.noiseSigma = 50; })},
        {"noise 50 Code128", CodeFormat::Code128, with([](Degradation& d) {
             d.noiseSigma = 50;
             d.moduleSize = 3;
         })},
        {"rotation 20 PDF417", CodeFormat::PDF417,
         with([](Degradation& d) { d.rotationDeg = 20; })},
        {"rotation 45 Code128", CodeFormat::Code128, with([](Degradation& d) {
             d.rotationDeg = 45;
             d.moduleSize = 3;
         })},
        {"contrast 0.06 QR", CodeFormat::QRCode, with([](Degradation& d) { d.contrast = 0.06; })},
        {"contrast 0.06 PDF417", CodeFormat::PDF417,
         with([](Degradation& d) { d.contrast = 0.06; })},
        {"contrast 0.06 Code128", CodeFormat::Code128, with([](Degradation& d) {
             d.contrast = 0.06;
             d.moduleSize = 3;
         })},
        {"glare 1.0 QR", CodeFormat::QRCode, with([](Degradation& d) { d.glare = 1.0; })},
    };
    FrameDecoder decoder(doorOptions());
    int seed = 0;
    for (const Case& c : cases) {
        SceneSpec spec;
        spec.code = payload(c.format, seed);
        spec.degradation = c.degradation;
        spec.seed = static_cast<std::uint64_t>(seed++) * 7 + 1;
        const auto frame = renderScene(spec);
        REQUIRE(frame);
        CAPTURE(c.name);
        CHECK_FALSE(decodeBaseline(frame->view())); // the case is one plain ZXing cannot read
        decoder.resetStream();
        const auto outcome = decoder.decode(frame->view());
        REQUIRE(outcome.read);
        CHECK(outcome.read->text == spec.code->text);
        CHECK(outcome.read->format == c.format);
    }
}

TEST_CASE("door mode reads nothing from empty frames, clean, noisy or dim") {
    FrameDecoder decoder(doorOptions());
    int reads = 0;
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        SceneSpec spec;
        spec.seed = seed;
        spec.degradation.noiseSigma = static_cast<double>(seed % 4) * 15.0;
        spec.degradation.exposure = seed % 5 == 0 ? 0.3 : 1.0;
        const auto frame = renderScene(spec);
        REQUIRE(frame);
        reads += decoder.decode(frame->view()).read ? 1 : 0;
    }
    CHECK(reads == 0);
}

TEST_CASE(
    "the locator follows the frame's noise: noisy and faded codes are found, empty frames not") {
    SceneSpec spec;
    spec.code = payload(CodeFormat::QRCode, 1);
    spec.centerX = 0.3;
    spec.degradation.noiseSigma = 50;
    auto frame = renderScene(spec);
    REQUIRE(frame);
    LocatorResult located = locateCodeRegions(frame->view(), 2);
    CHECK(located.noiseSigma == Approx(50).margin(5));
    CHECK(located.blockSize == 4);
    REQUIRE_FALSE(located.regions.empty());
    CHECK(located.regions[0].left <= 0.3 * 1280);
    CHECK(located.regions[0].left + located.regions[0].width >= 0.3 * 1280);

    spec.degradation = {};
    spec.degradation.contrast = 0.06;
    frame = renderScene(spec);
    REQUIRE(frame);
    located = locateCodeRegions(frame->view(), 2);
    CHECK(located.noiseSigma < 1.0);
    CHECK_FALSE(located.regions.empty());

    for (const double noise : {0.0, 4.0, 12.0, 35.0}) {
        SceneSpec empty;
        empty.seed = 9;
        empty.degradation.noiseSigma = noise;
        frame = renderScene(empty);
        REQUIRE(frame);
        CAPTURE(noise);
        CHECK(locateCodeRegions(frame->view(), 2).regions.empty());
    }
}

TEST_CASE("the strategy schedule orders by what a region needs and spreads the rest over frames") {
    RegionTraits leaningBars;
    leaningBars.probe.contrast = 200;
    leaningBars.probe.coherence = 0.7;
    leaningBars.probe.edgeAngleDeg = 24;
    leaningBars.probe.edgeWidth = 2.0;
    std::size_t required = 0;
    const auto order = orderStrategies(leaningBars, &required);
    REQUIRE(order.size() == static_cast<std::size_t>(kStrategyCount)); // every strategy, once
    CHECK(order.front() == Strategy::Rotate);
    CHECK(required == 1);

    RegionTraits blurred;
    blurred.probe.contrast = 150;
    blurred.probe.edgeWidth = 6.4; // a sigma 2.5 blur widens a 2 px edge to ~6.4 px
    CHECK(orderStrategies(blurred).front() == Strategy::DeblurMedium);
    RegionTraits noisy;
    noisy.noiseSigma = 30;
    CHECK(orderStrategies(noisy).front() == Strategy::Denoise);

    StrategySchedule schedule;
    const Region here{100, 100, 200, 200};
    schedule.beginFrame(here, leaningBars);
    auto first = schedule.pending();
    REQUIRE(first.size() == order.size());
    // This frame's budget covered the first three.
    for (int i = 0; i < 3; ++i) {
        schedule.tried(first[static_cast<std::size_t>(i)]);
    }
    // The next frame of the same code (moved a little): the required one again, then where the
    // last frame stopped.
    schedule.beginFrame(Region{110, 104, 200, 200}, leaningBars);
    auto second = schedule.pending();
    REQUIRE(second.size() == order.size() - 2);
    CHECK(second[0] == Strategy::Rotate);
    CHECK(second[1] == first[3]);
    CHECK(schedule.framesOnCode() == 2);
    // A code somewhere else starts over.
    schedule.beginFrame(Region{800, 400, 200, 200}, leaningBars);
    CHECK(schedule.pending().size() == order.size());
    CHECK(schedule.framesOnCode() == 1);
    // Every strategy tried: a new round.
    for (const Strategy s : order) {
        schedule.tried(s);
    }
    schedule.beginFrame(Region{800, 400, 200, 200}, leaningBars);
    CHECK(schedule.pending().size() == order.size());
    // A read ends the round; three frames with nothing located forget the code.
    schedule.tried(order[1]);
    schedule.readDone();
    CHECK(schedule.pending().size() == order.size());
    for (int i = 0; i < 3; ++i) {
        schedule.beginFrame(std::nullopt, {});
    }
    CHECK(schedule.framesOnCode() == 0);
}

TEST_CASE("the Wiener kernel keeps the mean grey and steepens a blurred edge") {
    const auto kernel = wienerKernel(2.5, 1e-3);
    REQUIRE(kernel.size() % 2 == 1);
    double sum = 0;
    for (std::size_t i = 0; i < kernel.size(); ++i) {
        sum += kernel[i];
        CHECK(kernel[i] == Approx(kernel[kernel.size() - 1 - i]).margin(1e-6)); // symmetric
    }
    CHECK(sum == Approx(1.0).margin(1e-4));

    // A step from 50 to 200, blurred with sigma 2.5, then deblurred: steeper in the middle.
    FloatPlane plane;
    plane.width = 64;
    plane.height = 4;
    plane.pixels.resize(64 * 4);
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 64; ++x) {
            plane.row(y)[x] = x < 32 ? 50.0f : 200.0f;
        }
    }
    std::vector<float> scratch;
    const auto blur = gaussianKernel(2.5);
    convolveSeparable(plane, blur, {}, scratch);
    const float blurredSlope = plane.at(32, 1) - plane.at(31, 1);
    Deblurrer deblurrer;
    deblurrer.apply(plane, DeblurSpec{2.5, 1e-3, false});
    CHECK(plane.at(32, 1) - plane.at(31, 1) > 1.4f * blurredSlope);
    CHECK(plane.at(5, 1) == Approx(50.0f).margin(3.0f));
    CHECK(plane.at(58, 1) == Approx(200.0f).margin(3.0f));
}

TEST_CASE("simulated people are deterministic from the seed and come whole into view") {
    const CodePayload code = payload(CodeFormat::PDF417, 4);
    const PersonScript a = scriptPerson(4, code, 7);
    const PersonScript b = scriptPerson(4, code, 7);
    const PersonScript other = scriptPerson(4, code, 8);
    REQUIRE(a.frames.size() == 36);
    CHECK(a.firstWholeFrame >= 0);
    CHECK(a.firstWholeFrame == b.firstWholeFrame);
    for (std::size_t t = 0; t < a.frames.size(); ++t) {
        CHECK(a.frames[t].centerX == b.frames[t].centerX);
        CHECK(a.frames[t].degradation.blurSigma == b.frames[t].degradation.blurSigma);
    }
    CHECK(a.frames.back().centerX != other.frames.back().centerX);
    // The first frame starts below the frame: the code is raised into view.
    const auto bounds = codeBounds(a.frames.front());
    REQUIRE(bounds);
    CHECK_FALSE(bounds->insideFrame(1280, 720));
    const auto held = codeBounds(a.frames.back());
    REQUIRE(held);
    CHECK(held->insideFrame(1280, 720));
}
