#include "drivers/camera/frame.hpp"
#include "drivers/decode/code_format.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>

using namespace doorpost;
using namespace doorpost::drivers::camera;
using namespace doorpost::drivers::decode;

TEST_CASE("a luma view with bad geometry is empty") {
    std::array<std::uint8_t, 64> pixels{};
    CHECK(LumaView(nullptr, 8, 8, 8).empty());
    CHECK(LumaView(pixels.data(), 0, 8, 8).empty());
    CHECK(LumaView(pixels.data(), 8, -1, 8).empty());
    CHECK(LumaView(pixels.data(), 8, 8, 7).empty());
    const LumaView good(pixels.data(), 8, 8, 8);
    REQUIRE_FALSE(good.empty());
    CHECK(good.width() == 8);
    CHECK(good.stride() == 8);
}

TEST_CASE("cropping a view clips to its bounds and keeps the stride") {
    std::array<std::uint8_t, 100> pixels{};
    for (std::size_t i = 0; i < pixels.size(); ++i) {
        pixels[i] = static_cast<std::uint8_t>(i);
    }
    const LumaView view(pixels.data(), 10, 10, 10);
    const LumaView crop = view.cropped(8, 7, 5, 5);
    REQUIRE_FALSE(crop.empty());
    CHECK(crop.width() == 2);
    CHECK(crop.height() == 3);
    CHECK(crop.stride() == 10);
    CHECK(crop.at(0, 0) == 78);
    CHECK(crop.at(1, 2) == 99);
    CHECK(view.cropped(10, 0, 5, 5).empty());
    CHECK(view.cropped(-5, -5, 6, 6).width() == 1);
}

TEST_CASE("copyOf makes an owning copy of a strided view") {
    std::array<std::uint8_t, 12> pixels{1, 2, 3, 99, 4, 5, 6, 99, 7, 8, 9, 99};
    const LumaImage copy = copyOf(LumaView(pixels.data(), 3, 3, 4));
    REQUIRE(copy.width() == 3);
    CHECK(copy.pixels() == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("format lists parse and name the bad entry") {
    std::string bad;
    const auto formats = parseCodeFormats("qr,pdf417,,code128", &bad);
    REQUIRE(formats);
    CHECK(*formats ==
          std::vector<CodeFormat>{CodeFormat::QRCode, CodeFormat::PDF417, CodeFormat::Code128});
    CHECK_FALSE(parseCodeFormats("qr,barcode9", &bad));
    CHECK(bad == "barcode9");
    CHECK(parseCodeFormats("")->empty());
}
