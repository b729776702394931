// The font atlas takes the glyphs of new texts (a name never seen before) from the rasterizer
// thread without a rebuild and without reading the font file again, and they are the glyphs
// ImGui's own builder would have made.
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/glyph_rasterizer.hpp"
#include "storage/base/utf8.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <imgui.h>
#include <mutex>
#include <set>

using namespace doorpost::kiosk::ui;

namespace {

// An ImGui context of the test's own (no window, no renderer: an atlas needs neither).
struct Context {
    Context() { ImGui::CreateContext(); }
    ~Context() { ImGui::DestroyContext(); }
};

// Draws `codePoints` on a rasterizer's thread and waits for all of it (a long request is answered
// in several batches), as one batch.
std::shared_ptr<const GlyphBatch> rasterize(const Fonts& fonts, std::vector<ImWchar> codePoints) {
    std::mutex mutex;
    std::condition_variable answered;
    auto all = std::make_shared<GlyphBatch>();
    std::size_t settled = 0;
    {
        GlyphRasterizer rasterizer(fonts.fontData(), fonts.faceIndex(), fonts.dynamicSizes(),
                                   [&](std::shared_ptr<const GlyphBatch> batch) {
                                       std::lock_guard lock(mutex);
                                       std::set<ImWchar> drawn;
                                       for (const GlyphBitmap& glyph : batch->glyphs) {
                                           all->glyphs.push_back(glyph);
                                           drawn.insert(glyph.codePoint);
                                       }
                                       all->absent.insert(all->absent.end(), batch->absent.begin(),
                                                          batch->absent.end());
                                       settled += drawn.size() + batch->absent.size();
                                       answered.notify_all();
                                   });
        const std::size_t wanted = codePoints.size();
        rasterizer.request(std::move(codePoints));
        std::unique_lock lock(mutex);
        REQUIRE(
            answered.wait_for(lock, std::chrono::seconds(60), [&] { return settled == wanted; }));
    }
    return all;
}

const GlyphBitmap& bitmapOf(const GlyphBatch& batch, ImWchar codePoint, int size) {
    for (const GlyphBitmap& glyph : batch.glyphs) {
        if (glyph.codePoint == codePoint && glyph.size == size) {
            return glyph;
        }
    }
    FAIL("no bitmap for U+" << std::hex << codePoint << " at size " << size);
    throw std::logic_error("unreachable");
}

// The atlas's pixels under a glyph's texture rectangle equal the bitmap, and the glyph sits
// where ImGui's builder puts one: its box from the pen, the baseline at the rounded ascent.
void checkGlyph(const ImFont& font, const ImFontGlyph& glyph, const GlyphBitmap& bitmap) {
    const ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    const int u = static_cast<int>(std::lround(glyph.U0 * static_cast<float>(atlas.TexWidth)));
    const int v = static_cast<int>(std::lround(glyph.V0 * static_cast<float>(atlas.TexHeight)));
    CHECK(std::lround((glyph.U1 - glyph.U0) * static_cast<float>(atlas.TexWidth)) == bitmap.width);
    CHECK(std::lround((glyph.V1 - glyph.V0) * static_cast<float>(atlas.TexHeight)) ==
          bitmap.height);
    const float top = static_cast<float>(static_cast<int>(font.Ascent + 0.5f));
    CHECK(glyph.X0 == static_cast<float>(bitmap.x0));
    CHECK(glyph.Y0 == static_cast<float>(bitmap.y0) + top);
    CHECK(glyph.X1 - glyph.X0 == static_cast<float>(bitmap.width));
    CHECK(glyph.AdvanceX == std::round(bitmap.advance)); // PixelSnapH
    int differing = 0;
    for (int y = 0; y < bitmap.height; ++y) {
        for (int x = 0; x < bitmap.width; ++x) {
            const unsigned char inAtlas =
                atlas.TexPixelsAlpha8[static_cast<std::size_t>(v + y) *
                                          static_cast<std::size_t>(atlas.TexWidth) +
                                      static_cast<std::size_t>(u + x)];
            differing += inAtlas != bitmap.alpha[static_cast<std::size_t>(y * bitmap.width + x)];
        }
    }
    CHECK(differing == 0);
}

constexpr ImWchar kTong = 0x901A;    // 通, in the strings table ("通过"): built by ImGui
constexpr ImWchar kXin = 0x946B;     // 鑫, a name's hanzi the strings table does not have
constexpr ImWchar kMiao = 0x6DFC;    // 淼, likewise
constexpr ImWchar kPrivate = 0xE000; // a private-use code point: no glyph in any Noto font

} // namespace

TEST_CASE("a glyph drawn by the rasterizer thread is the glyph ImGui's builder makes", "[fonts]") {
    REQUIRE_FALSE(findCjkFont().empty());
    Context context;
    Fonts fonts;
    fonts.build(1.0f);
    REQUIRE(fonts.warning().empty());
    REQUIRE(fonts.fontData());
    const auto batch = rasterize(fonts, {kTong});
    REQUIRE(batch->glyphs.size() == 2); // body and large
    const ImFont* sized[] = {fonts.body, fonts.large};
    for (int size = 0; size < 2; ++size) {
        INFO("size " << size);
        const ImFontGlyph* built = sized[size]->FindGlyphNoFallback(kTong);
        REQUIRE(built != nullptr);
        checkGlyph(*sized[size], *built, bitmapOf(*batch, kTong, size));
    }
}

TEST_CASE("a name's new hanzi join the atlas without a rebuild and without the font file",
          "[fonts]") {
    REQUIRE_FALSE(findCjkFont().empty());
    // The font from a copy that is gone once the atlas is built: nothing after build() reads it.
    doorpost::test::TempDir dir;
    const std::string copy = dir.file("font.ttc");
    std::filesystem::copy_file(findCjkFont(), copy);
    const char* before = std::getenv("DOORPOST_CJK_FONT");
    const std::string saved = before != nullptr ? before : "";
    setenv("DOORPOST_CJK_FONT", copy.c_str(), 1);
    Context context;
    Fonts fonts;
    fonts.build(1.0f);
    if (saved.empty()) {
        unsetenv("DOORPOST_CJK_FONT");
    } else {
        setenv("DOORPOST_CJK_FONT", saved.c_str(), 1);
    }
    REQUIRE(fonts.warning().empty());
    std::filesystem::remove(copy);

    ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    const int height = atlas.TexHeight;
    const ImFontGlyph tongBefore = *fonts.body->FindGlyphNoFallback(kTong);
    const int glyphs = fonts.glyphCount();

    // Asked for once; until it arrives the hanzi is a blank as wide as a hanzi.
    CHECK(fonts.newCodePoints("王鑫淼") == std::vector<ImWchar>{0x738B, kXin, kMiao});
    CHECK(fonts.newCodePoints("鑫淼") == std::vector<ImWchar>{});
    CHECK(fonts.pendingCount() == 3);
    CHECK(fonts.body->FindGlyphNoFallback(kXin) == nullptr);
    CHECK(fonts.body->FindGlyph(kXin)->Codepoint == 0x3000);
    CHECK(fonts.body->FindGlyph(kXin)->AdvanceX == fonts.body->FindGlyph(kTong)->AdvanceX);

    const auto batch = rasterize(fonts, {0x738B, kXin, kMiao});
    const AtlasUpdate update = fonts.add(*batch);
    CHECK_FALSE(update.resized);
    CHECK(update.width > 0);
    CHECK(update.height < 100); // a shelf of glyphs to upload, not the atlas
    CHECK(fonts.pendingCount() == 0);
    CHECK(fonts.glyphCount() == glyphs + 3);
    const ImFont* sized[] = {fonts.body, fonts.large};
    for (int size = 0; size < 2; ++size) {
        for (ImWchar cp : {ImWchar(0x738B), kXin, kMiao}) {
            INFO("size " << size << " U+" << std::hex << cp);
            const ImFontGlyph* added = sized[size]->FindGlyphNoFallback(cp);
            REQUIRE(added != nullptr);
            checkGlyph(*sized[size], *added, bitmapOf(*batch, cp, size));
        }
    }
    // Nothing was rebuilt: the same texture size, the old glyphs where they were.
    CHECK(atlas.TexHeight == height);
    const ImFontGlyph* tongAfter = fonts.body->FindGlyphNoFallback(kTong);
    CHECK(tongAfter->U0 == tongBefore.U0);
    CHECK(tongAfter->V0 == tongBefore.V0);
}

TEST_CASE("a code point the font lacks shows as '?', one still on its way as a blank", "[fonts]") {
    REQUIRE_FALSE(findCjkFont().empty());
    Context context;
    Fonts fonts;
    fonts.build(1.0f);
    CHECK(fonts.newCodePoints("\xEE\x80\x80") == std::vector<ImWchar>{kPrivate});
    const auto batch = rasterize(fonts, {kPrivate});
    CHECK(batch->glyphs.empty());
    CHECK(batch->absent == std::vector<ImWchar>{kPrivate});
    fonts.add(*batch);
    CHECK(fonts.pendingCount() == 0);
    for (const ImFont* font : {fonts.body, fonts.large}) {
        const ImFontGlyph* shown = font->FindGlyph(kPrivate);
        const ImFontGlyph* question = font->FindGlyphNoFallback('?');
        REQUIRE(shown != nullptr);
        REQUIRE(question != nullptr);
        CHECK(shown->U0 == question->U0);
        CHECK(shown->V0 == question->V0);
        // Malformed text and code points beyond the BMP, which ImGui draws as U+FFFD, too.
        CHECK(font->FindGlyph(0xFFFD)->U0 == question->U0);
    }
    CHECK(fonts.newCodePoints("\xEE\x80\x80") == std::vector<ImWchar>{}); // not asked again
}

TEST_CASE("when the room for new glyphs is used up the atlas grows and keeps every glyph",
          "[fonts]") {
    REQUIRE_FALSE(findCjkFont().empty());
    Context context;
    Fonts fonts;
    fonts.build(1.0f);
    ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    const int height = atlas.TexHeight;
    // CJK Unified Ideographs from U+4E00 on, 100 at a time, until the atlas has grown once.
    ImWchar next = 0x4E00;
    std::shared_ptr<const GlyphBatch> first;
    bool resized = false;
    bool warnedLow = false;
    while (!resized) {
        REQUIRE(next < 0x6000);
        std::string text;
        std::vector<ImWchar> wanted;
        for (int i = 0; i < 100; ++i, ++next) {
            doorpost::appendUtf8(text, next);
        }
        wanted = fonts.newCodePoints(text);
        const auto batch = rasterize(fonts, wanted);
        if (!first) {
            first = batch;
        }
        warnedLow = warnedLow || fonts.roomIsLow();
        resized = fonts.add(*batch).resized;
    }
    CHECK(atlas.TexHeight > height);
    CHECK(warnedLow); // the app grows it early, while no verdict is waiting, when it can
    CHECK(fonts.pendingCount() == 0);
    // The glyphs added before the atlas grew still show their own pixels.
    for (const GlyphBitmap& bitmap : first->glyphs) {
        const ImFont* font = bitmap.size == 0 ? fonts.body : fonts.large;
        const ImFontGlyph* glyph = font->FindGlyphNoFallback(bitmap.codePoint);
        REQUIRE(glyph != nullptr);
        checkGlyph(*font, *glyph, bitmap);
    }
    // And the strings table's.
    const auto tong = rasterize(fonts, {kTong});
    checkGlyph(*fonts.body, *fonts.body->FindGlyphNoFallback(kTong), bitmapOf(*tong, kTong, 0));
}
