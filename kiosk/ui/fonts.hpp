#pragma once
// The kiosk's fonts: Noto Sans CJK SC from fonts-noto-cjk in three sizes. A full CJK atlas is
// tens of megabytes, so the atlas holds only the glyphs we display: Latin, the strings table,
// and dynamic texts (names, the gate's reasons) added as they arrive.
//
// The font file is read once, at start. Glyphs of dynamic texts are drawn off the UI thread
// (GlyphRasterizer) and added between frames into room the atlas keeps free for them: a few
// glyphs' pixels copied and uploaded, never a rebuild. Until its glyph arrives (a frame or two) a
// hanzi shows as a blank of its own width, so the line does not move when it fills in; a code
// point the font lacks shows as '?', as before.

#include "kiosk/ui/glyph_rasterizer.hpp"

#include <cstdint>
#include <imgui.h>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::ui {

// Where fonts-noto-cjk puts the collection, or $DOORPOST_CJK_FONT; empty when not found.
std::string findCjkFont();

// The part of the atlas texture whose pixels changed in Fonts::add or Fonts::grow.
struct AtlasUpdate {
    bool resized = false; // the texture must be made again, at the atlas's new size
    int x = 0;
    int y = 0;
    int width = 0; // 0: nothing to upload
    int height = 0;

    void include(int rx, int ry, int rw, int rh);
    void include(const AtlasUpdate& other);
};

class Fonts {
public:
    // Builds the atlas in the current ImGui context, once, before the first frame: reads the font
    // file into memory (kept for the rasterizer) and leaves room for glyphs that come later.
    // Without a CJK font it falls back to ImGui's built-in font (CJK then shows as '?') and says
    // so in `warning()`.
    void build(float scale);

    // UI thread: the code points of `text` that are neither in the atlas nor asked for yet. They
    // count as pending from now on; hand them to a GlyphRasterizer. Empty without a CJK font.
    std::vector<ImWchar> newCodePoints(std::string_view text);

    // UI thread, between frames: puts a rasterizer's batch into the atlas (growing it when the
    // room is used up). Returns what to upload to the texture.
    AtlasUpdate add(const GlyphBatch& batch);

    // Between frames, when a grow costs nobody a late verdict: true when the free room is low.
    bool roomIsLow() const;
    // Makes the atlas taller by half (up to a limit): the texture must be made again.
    AtlasUpdate grow();

    // After the texture was made from the atlas: drop ImGui's RGBA copy of it. The alpha stays
    // (it is what glyphs are added to) and makes the RGBA again when the texture is remade.
    void releaseTextureCopy();
    // The texture's pixels (RGBA, as ImGui's SDL backend uploads them) of part of the atlas.
    void rgba(const AtlasUpdate& area, std::vector<std::uint32_t>& out) const;

    // Code points asked for whose glyphs have not arrived yet.
    int pendingCount() const { return m_pending; }
    // Glyphs added since the build (each code point once, whatever the number of sizes).
    int addedCount() const { return m_added; }

    // What a GlyphRasterizer needs: the font file's bytes (shared, read-only), the face in the
    // collection and the pixel sizes of the fonts dynamic texts are drawn in (body, large).
    const FontBytes& fontData() const { return m_fontData; }
    int faceIndex() const;
    std::vector<float> dynamicSizes() const;

    const std::string& fontPath() const { return m_path; }
    const std::string& warning() const { return m_warning; }
    int glyphCount() const { return m_glyphCount; }

    ImFont* body = nullptr;  // ~30 px: labels, lists
    ImFont* large = nullptr; // ~44 px: buttons, keypad
    ImFont* huge = nullptr;  // ~96 px: verdict words

private:
    enum class CodePoint : std::uint8_t { Unknown, InAtlas, Pending, Absent };

    // Free room in the texture, filled in shelves: rows of glyphs of about one height.
    struct Region {
        int x = 0;
        int y = 0;
        int width = 0;
        int height = 0;
        int nextShelfY = 0;
    };
    struct Shelf {
        int region = 0;
        int y = 0;
        int height = 0;
        int nextX = 0;
    };
    struct Place {
        int x = 0;
        int y = 0;
    };

    bool place(int width, int height, Place& out);
    void blit(const GlyphBitmap& glyph, Place at);
    void showAsUnknown(ImFont* font, ImWchar codePoint);
    void settle(CodePoint& state, CodePoint to);

    FontBytes m_fontData;
    std::vector<CodePoint> m_codePoints = std::vector<CodePoint>(0x10000, CodePoint::Unknown);
    ImVector<ImWchar> m_ranges;     // must outlive the atlas
    ImVector<ImWchar> m_hugeRanges; // likewise
    std::vector<Region> m_regions;
    std::vector<Shelf> m_shelves;
    int m_pending = 0;
    int m_added = 0;
    int m_glyphCount = 0;
    bool m_full = false; // the atlas reached its height limit: further glyphs show as '?'
    std::string m_path;
    std::string m_warning;
};

} // namespace doorpost::kiosk::ui
