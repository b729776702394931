#include <catch2/catch.hpp>

#define ZX_USE_UTF8 1
#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/frame_decoder.hpp"
#include "drivers/synthetic/synthetic_scene.hpp"
#include "drivers/synthetic/synthetic_source.hpp"

#include <ZXing/ReadBarcode.h>
#include <thread>

using namespace doorpost;
using namespace doorpost::drivers::camera;
using doorpost::DriverErrorKind;
using namespace doorpost::drivers::decode;
using namespace doorpost::drivers::synthetic;
using namespace std::chrono_literals;

namespace {

std::string zxingRead(const LumaView& view) {
    ZXing::DecodeHints hints;
    hints.setMaxNumberOfSymbols(1);
    const auto result =
        ZXing::ReadBarcode(ZXing::ImageView(view.data(), view.width(), view.height(),
                                            ZXing::ImageFormat::Lum, view.stride()),
                           hints);
    return result.isValid() ? result.text() : std::string();
}

// Two tickets in turn at 320x240: two frames of each, then one empty frame.
SyntheticConfig twoTickets() {
    SyntheticConfig config;
    config.width = 320;
    config.height = 240;
    config.payloads = {{"A-1", CodeFormat::QRCode}, {"B-2", CodeFormat::QRCode}};
    config.framesWithCode = 2;
    config.framesWithout = 1;
    return config;
}

} // namespace

TEST_CASE("synthetic scenes render readable codes in every format") {
    for (const auto format :
         {CodeFormat::QRCode, CodeFormat::PDF417, CodeFormat::Code128, CodeFormat::DataMatrix}) {
        SceneSpec spec;
        spec.width = 640;
        spec.height = 480;
        spec.code = CodePayload{"DP1:TICKET-2026-0042", format};
        spec.degradation.moduleSize = format == CodeFormat::Code128 ? 2.0 : 4.0;
        auto image = renderScene(spec);
        REQUIRE(image);
        CAPTURE(toString(format));
        CHECK(zxingRead(image->view()) == "DP1:TICKET-2026-0042");
    }
}

TEST_CASE("synthetic scenes are deterministic from the seed") {
    SceneSpec spec;
    spec.width = 320;
    spec.height = 240;
    spec.code = CodePayload{"same", CodeFormat::QRCode};
    spec.degradation.noiseSigma = 10;
    spec.degradation.blurSigma = 1.0;
    spec.degradation.tiltDeg = 30;
    spec.degradation.glare = 0.5;
    spec.seed = 42;
    const auto a = renderScene(spec);
    const auto b = renderScene(spec);
    spec.seed = 43;
    const auto c = renderScene(spec);
    REQUIRE((a && b && c));
    CHECK(a->pixels() == b->pixels());
    CHECK(a->pixels() != c->pixels());
}

TEST_CASE("a payload that cannot be encoded is an error, not a crash") {
    SceneSpec spec;
    spec.code = CodePayload{"not digits", CodeFormat::EAN13};
    const auto image = renderScene(spec);
    REQUIRE_FALSE(image);
    CHECK(image.error().kind == DriverErrorKind::BadInput);
}

TEST_CASE("the synthetic source alternates payloads with empty frames and ends at its limit") {
    SyntheticConfig config = twoTickets();
    config.frameLimit = 6;
    SyntheticSource source(config);
    REQUIRE(source.open());
    std::vector<std::string> seen;
    for (int i = 0; i < 6; ++i) {
        const NextFrame next = source.next(100ms);
        REQUIRE(next.status == NextStatus::Frame);
        CHECK(next.frame.sequence == static_cast<std::uint64_t>(i));
        CHECK(next.frame.luma.width() == 320);
        seen.push_back(zxingRead(next.frame.luma));
        CHECK(seen.back() == (source.lastPayload() ? source.lastPayload()->text : std::string()));
    }
    CHECK(seen == std::vector<std::string>{"A-1", "A-1", "", "B-2", "B-2", ""});
    CHECK(source.next(100ms).status == NextStatus::Ended);
    CHECK(source.state() == SourceState::Ended);
}

TEST_CASE("a paced synthetic source keeps its frame rate") {
    SyntheticConfig config;
    config.width = 64;
    config.height = 48;
    config.fps = 50;
    SyntheticSource source(config);
    REQUIRE(source.open());
    const auto start = FrameClock::now();
    for (int i = 0; i < 5; ++i) {
        REQUIRE(source.next(1000ms).status == NextStatus::Frame);
    }
    // Five frames at 50 fps: the first is due at once, the fifth 80 ms later.
    CHECK(FrameClock::now() - start >= 75ms);
}

TEST_CASE("a synthetic source that renders once delivers the same pictures in the same turns") {
    SyntheticConfig config = twoTickets();
    config.frameLimit = 7;
    config.renderOnce = true;
    SyntheticSource source(config);
    REQUIRE(source.open());
    std::vector<std::string> seen;
    std::vector<const std::uint8_t*> pictures;
    for (int i = 0; i < 7; ++i) {
        const NextFrame next = source.next(100ms);
        REQUIRE(next.status == NextStatus::Frame);
        CHECK(next.frame.sequence == static_cast<std::uint64_t>(i));
        seen.push_back(zxingRead(next.frame.luma));
        pictures.push_back(next.frame.luma.data());
    }
    CHECK(seen == std::vector<std::string>{"A-1", "A-1", "", "B-2", "B-2", "", "A-1"});
    // Rendered once: a payload's frames, and the empty ones, are one picture each.
    CHECK(pictures[0] == pictures[1]);
    CHECK(pictures[0] == pictures[6]);
    CHECK(pictures[2] == pictures[5]);
    CHECK(pictures[0] != pictures[3]);
    CHECK(source.next(100ms).status == NextStatus::Ended);
}

TEST_CASE("a paced synthetic source whose reader falls behind drops frames, as a camera does") {
    SyntheticConfig config;
    config.width = 64;
    config.height = 48;
    config.fps = 50;
    config.dropWhenBehind = true;
    SyntheticSource source(config);
    REQUIRE(source.open());
    REQUIRE(source.next(1000ms).status == NextStatus::Frame);
    std::this_thread::sleep_for(200ms); // the reader is busy for ten frame intervals
    const auto asked = FrameClock::now();
    const NextFrame next = source.next(1000ms);
    REQUIRE(next.status == NextStatus::Frame);
    // The frames nobody took are gone (the sequence counts them); what comes is fresh, not a
    // frame due 200 ms ago.
    CHECK(next.frame.sequence >= 9);
    CHECK(source.framesDropped() == next.frame.sequence - 1);
    CHECK(next.frame.captured >= asked);
    CHECK(next.frame.captured - asked <= 100ms);
}

TEST_CASE("the code locator finds a held-up code and nothing in an empty doorway") {
    SceneSpec spec;
    spec.degradation.noiseSigma = 4;
    spec.seed = 5;
    spec.code = CodePayload{"DP1:LOCATE-ME-2026", CodeFormat::QRCode};
    spec.centerX = 0.3;
    spec.centerY = 0.6;
    const auto withCode = renderScene(spec);
    REQUIRE(withCode);
    const auto regions = locateCodes(withCode->view());
    REQUIRE_FALSE(regions.empty());
    const Region& r = regions.front();
    CHECK(r.left <= 0.3 * 1280);
    CHECK(r.left + r.width >= 0.3 * 1280);
    CHECK(r.top <= 0.6 * 720);
    CHECK(r.top + r.height >= 0.6 * 720);
    CHECK(r.width * r.height < 1280 * 720 / 8); // a small part of the frame

    int falseRegions = 0;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        spec.code.reset();
        spec.seed = seed;
        const auto empty = renderScene(spec);
        REQUIRE(empty);
        falseRegions += locateCodes(empty->view()).empty() ? 0 : 1;
    }
    CHECK(falseRegions == 0);
}

TEST_CASE("door-mode decoding reads located codes and reads nothing from empty frames") {
    DecoderOptions options;
    options.formats = {CodeFormat::QRCode, CodeFormat::PDF417, CodeFormat::Code128};
    // Generous budgets: this is about what is read, not how fast (sanitizer builds are slow).
    options.budget = std::chrono::seconds(5);
    options.idleBudget = std::chrono::seconds(5);
    FrameDecoder decoder(options);
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        SceneSpec spec;
        spec.degradation.noiseSigma = 4;
        spec.degradation.moduleSize = 3;
        spec.seed = seed;
        spec.code = CodePayload{"C20260000" + std::to_string(seed),
                                seed % 2 == 0 ? CodeFormat::QRCode : CodeFormat::Code128};
        const auto frame = renderScene(spec);
        REQUIRE(frame);
        const auto outcome = decoder.decode(frame->view());
        REQUIRE(outcome.read);
        CHECK(outcome.read->text == spec.code->text);
        spec.code.reset();
        const auto empty = renderScene(spec);
        REQUIRE(empty);
        CHECK_FALSE(decoder.decode(empty->view()).read);
    }
}
