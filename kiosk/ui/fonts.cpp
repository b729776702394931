#include "kiosk/ui/fonts.hpp"

#include "kiosk/ui/strings.hpp"
#include "storage/base/result.hpp"
#include "storage/base/utf8.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace doorpost::kiosk::ui {
namespace {

// Index of "Noto Sans CJK SC" inside NotoSansCJK-*.ttc (fc-query: JP 0, KR 1, SC 2, TC 3).
constexpr int kSimplifiedChineseFaceIndex = 2;

// The atlas is this wide; it grows downwards. Room for later glyphs at the start: 512 rows, some
// 300 hanzi at both sizes; each grow adds half the height, up to the limit (2048 x 8192: 64 MB of
// texture, some 5000 hanzi beyond the strings table).
constexpr int kAtlasWidth = 2048;
constexpr int kInitialRoomRows = 512;
constexpr int kMaxAtlasHeight = 8192;
constexpr int kLowRoomRows = 128; // below this, grow while nobody waits for a verdict
constexpr int kPadding = 1;       // between glyphs, as ImGui's TexGlyphPadding

// A blank as wide as a hanzi: what a hanzi whose glyph is on its way shows as.
constexpr ImWchar kIdeographicSpace = 0x3000;

Result<FontBytes> readFontFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return environmentFault("cannot read " + path);
    }
    auto bytes = std::make_shared<std::vector<unsigned char>>(std::istreambuf_iterator<char>(in),
                                                              std::istreambuf_iterator<char>());
    if (bytes->empty()) {
        return environmentFault(path + " is empty");
    }
    return FontBytes(std::move(bytes));
}

} // namespace

void AtlasUpdate::include(int rx, int ry, int rw, int rh) {
    if (rw <= 0 || rh <= 0) {
        return;
    }
    if (width == 0) {
        x = rx;
        y = ry;
        width = rw;
        height = rh;
        return;
    }
    const int right = std::max(x + width, rx + rw);
    const int bottom = std::max(y + height, ry + rh);
    x = std::min(x, rx);
    y = std::min(y, ry);
    width = right - x;
    height = bottom - y;
}

void AtlasUpdate::include(const AtlasUpdate& other) {
    resized = resized || other.resized;
    include(other.x, other.y, other.width, other.height);
}

std::string findCjkFont() {
    if (const char* env = std::getenv("DOORPOST_CJK_FONT"); env != nullptr && *env != '\0') {
        return env;
    }
    for (const char* candidate : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
                                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec)) {
            return candidate;
        }
    }
    return {};
}

int Fonts::faceIndex() const {
    return kSimplifiedChineseFaceIndex;
}

std::vector<float> Fonts::dynamicSizes() const {
    if (body == nullptr || large == nullptr || body->ConfigData == nullptr ||
        large->ConfigData == nullptr) {
        return {};
    }
    return {body->ConfigData->SizePixels, large->ConfigData->SizePixels};
}

std::vector<ImWchar> Fonts::newCodePoints(std::string_view text) {
    std::vector<ImWchar> out;
    if (!m_fontData) {
        return out;
    }
    for (char32_t code : Utf8CodePoints(text)) {
        // Outside the BMP ImGui (16-bit ImWchar in Debian's build) draws U+FFFD, shown as '?'.
        if (code < 0x20 || code > 0xFFFF) {
            continue;
        }
        CodePoint& state = m_codePoints[code];
        if (state == CodePoint::Unknown) {
            state = CodePoint::Pending;
            ++m_pending;
            out.push_back(static_cast<ImWchar>(code));
        }
    }
    return out;
}

void Fonts::build(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    std::vector<ImWchar> wanted;
    for (ImWchar cp = 0x20; cp < 0x7F; ++cp) {
        wanted.push_back(cp);
    }
    auto addText = [&wanted](std::string_view text) {
        for (char32_t code : Utf8CodePoints(text)) {
            if (code >= 0x20 && code <= 0xFFFF && code != kReplacementCharacter) {
                wanted.push_back(static_cast<ImWchar>(code));
            }
        }
    };
    for (std::string_view text : allStrings()) {
        addText(text);
    }
    addText("0123456789X?·…—–（）：，。、% ●▲×○"); // digits and punctuation of dynamic texts
    wanted.push_back(kIdeographicSpace);
    ImFontGlyphRangesBuilder builder;
    for (ImWchar cp : wanted) {
        builder.AddChar(cp);
    }
    m_ranges.clear();
    builder.BuildRanges(&m_ranges);

    m_path = findCjkFont();
    m_fontData.reset();
    auto useDefaultFont = [&](std::string warning) {
        m_warning = std::move(warning);
        io.Fonts->Clear();
        ImFontConfig config;
        config.SizePixels = 13.0f * 2.0f * scale;
        body = io.Fonts->AddFontDefault(&config);
        large = body;
        huge = body;
        io.Fonts->Build();
        m_fontData.reset();
        m_glyphCount = body->Glyphs.Size;
    };
    if (m_path.empty()) {
        useDefaultFont("no CJK font found (install fonts-noto-cjk or set DOORPOST_CJK_FONT); "
                       "Chinese text will show as '?'");
        return;
    }
    auto bytes = readFontFile(m_path);
    if (!bytes.ok()) {
        useDefaultFont(bytes.error().message);
        return;
    }
    m_fontData = bytes.value();
    m_warning.clear();
    auto add = [&](float pixels, const ImVector<ImWchar>& ranges) {
        ImFontConfig config;
        // The atlas reads the bytes we keep (and share with the rasterizer): it must not free
        // them, and it never writes them.
        config.FontData = const_cast<unsigned char*>(m_fontData->data());
        config.FontDataSize = static_cast<int>(m_fontData->size());
        config.FontDataOwnedByAtlas = false;
        config.FontNo = kSimplifiedChineseFaceIndex;
        config.SizePixels = pixels * scale;
        config.GlyphRanges = ranges.Data;
        config.OversampleH = 1; // the software renderer draws at 1:1; oversampling only costs atlas
        config.OversampleV = 1;
        config.PixelSnapH = true;
        return io.Fonts->AddFont(&config);
    };
    body = add(30.0f, m_ranges);
    large = add(44.0f, m_ranges);
    // The verdict words alone are drawn this large; their own small range keeps the atlas small.
    ImFontGlyphRangesBuilder hugeBuilder;
    hugeBuilder.AddRanges(io.Fonts->GetGlyphRangesDefault());
    for (Str word : {Str::Admit, Str::Deny, Str::Refer}) {
        hugeBuilder.AddText(tr(Lang::Zh, word));
        hugeBuilder.AddText(tr(Lang::En, word));
    }
    m_hugeRanges.clear();
    hugeBuilder.BuildRanges(&m_hugeRanges);
    huge = add(96.0f, m_hugeRanges);
    // Room for the glyphs of texts not known yet, and a texture exactly as tall as it needs.
    io.Fonts->TexDesiredWidth = kAtlasWidth;
    io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    const int room = io.Fonts->AddCustomRectRegular(kAtlasWidth - 2 * kPadding, kInitialRoomRows);
    if (!io.Fonts->Build()) {
        useDefaultFont("could not load " + m_path);
        return;
    }
    const ImFontAtlasCustomRect* rect = io.Fonts->GetCustomRectByIndex(room);
    m_regions = {Region{rect->X, rect->Y, rect->Width, rect->Height, rect->Y}};
    m_shelves.clear();
    m_full = false;

    std::fill(m_codePoints.begin(), m_codePoints.end(), CodePoint::Unknown);
    m_pending = 0;
    m_added = 0;
    for (ImFont* font : {body, large}) {
        // Not yet drawn: a blank of the right width, until the glyph arrives.
        font->FallbackChar = kIdeographicSpace;
    }
    for (ImWchar cp : wanted) {
        m_codePoints[cp] =
            body->FindGlyphNoFallback(cp) != nullptr ? CodePoint::InAtlas : CodePoint::Absent;
    }
    for (ImFont* font : {body, large}) {
        for (ImWchar cp : wanted) {
            if (m_codePoints[cp] == CodePoint::Absent) {
                showAsUnknown(font, cp);
            }
        }
        // What ImGui draws for text it cannot decode, or beyond the BMP.
        showAsUnknown(font, static_cast<ImWchar>(kReplacementCharacter));
        font->BuildLookupTable();
    }
    m_codePoints[kReplacementCharacter] = CodePoint::Absent;
    m_glyphCount =
        static_cast<int>(std::count(m_codePoints.begin(), m_codePoints.end(), CodePoint::InAtlas));
}

void Fonts::showAsUnknown(ImFont* font, ImWchar codePoint) {
    // The font has no glyph for it: point it at '?' (as ImGui's own fallback did), since the
    // fallback of these fonts is the blank that stands in for a glyph still on its way.
    const ImFontGlyph* question = font->FindGlyphNoFallback('?');
    if (question == nullptr || font->FindGlyphNoFallback(codePoint) != nullptr) {
        return;
    }
    const ImFontGlyph q = *question; // AddGlyph may move the glyphs
    if (!font->Glyphs.empty() && font->Glyphs.back().Codepoint == '\t') {
        font->Glyphs.pop_back(); // BuildLookupTable appends the tab again
    }
    font->AddGlyph(nullptr, codePoint, q.X0, q.Y0, q.X1, q.Y1, q.U0, q.V0, q.U1, q.V1, q.AdvanceX);
}

bool Fonts::place(int width, int height, Place& out) {
    const int w = width + kPadding;
    const int h = height + kPadding;
    // The lowest shelf this fits on that is not much taller than the glyph.
    Shelf* best = nullptr;
    for (Shelf& shelf : m_shelves) {
        const Region& region = m_regions[static_cast<std::size_t>(shelf.region)];
        if (shelf.height >= h && shelf.height <= h + h / 3 &&
            shelf.nextX + w <= region.x + region.width &&
            (best == nullptr || shelf.height < best->height)) {
            best = &shelf;
        }
    }
    if (best == nullptr) {
        for (std::size_t i = 0; i < m_regions.size() && best == nullptr; ++i) {
            Region& region = m_regions[i];
            if (w <= region.width && region.nextShelfY + h <= region.y + region.height) {
                m_shelves.push_back(Shelf{static_cast<int>(i), region.nextShelfY, h, region.x});
                region.nextShelfY += h;
                best = &m_shelves.back();
            }
        }
    }
    if (best == nullptr) {
        return false;
    }
    out = Place{best->nextX, best->y};
    best->nextX += w;
    return true;
}

void Fonts::blit(const GlyphBitmap& glyph, Place at) {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    for (int row = 0; row < glyph.height; ++row) {
        std::memcpy(atlas->TexPixelsAlpha8 +
                        static_cast<std::size_t>(at.y + row) *
                            static_cast<std::size_t>(atlas->TexWidth) +
                        static_cast<std::size_t>(at.x),
                    glyph.alpha.data() +
                        static_cast<std::size_t>(row) * static_cast<std::size_t>(glyph.width),
                    static_cast<std::size_t>(glyph.width));
    }
}

void Fonts::settle(CodePoint& state, CodePoint to) {
    if (state == CodePoint::Pending) {
        --m_pending;
    }
    if (state != CodePoint::InAtlas && to == CodePoint::InAtlas) {
        ++m_added;
        ++m_glyphCount;
    }
    state = to;
}

AtlasUpdate Fonts::add(const GlyphBatch& batch) {
    AtlasUpdate update;
    if (!m_fontData) {
        return update;
    }
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    ImFont* fonts[] = {body, large};
    for (ImFont* font : fonts) {
        if (!font->Glyphs.empty() && font->Glyphs.back().Codepoint == '\t') {
            font->Glyphs.pop_back(); // BuildLookupTable appends the tab again
        }
    }
    for (const GlyphBitmap& glyph : batch.glyphs) {
        if (glyph.size < 0 || glyph.size > 1 ||
            m_codePoints[glyph.codePoint] == CodePoint::InAtlas) {
            continue;
        }
        ImFont* font = fonts[glyph.size];
        Place at;
        bool placed = glyph.width == 0 || glyph.height == 0 || place(glyph.width, glyph.height, at);
        while (!placed && !m_full) {
            update.include(grow());
            placed = place(glyph.width, glyph.height, at);
        }
        if (!placed) {
            showAsUnknown(font, glyph.codePoint);
            continue;
        }
        blit(glyph, at);
        update.include(at.x, at.y, glyph.width, glyph.height);
        // Where ImGui's builder puts a glyph: its box from the pen, the baseline at the rounded
        // ascent below the top of the line; the advance snapped by the font's own config.
        const float top = static_cast<float>(static_cast<int>(font->Ascent + 0.5f));
        const float x0 = static_cast<float>(glyph.x0);
        const float y0 = static_cast<float>(glyph.y0) + top;
        font->AddGlyph(
            font->ConfigData, glyph.codePoint, x0, y0, x0 + static_cast<float>(glyph.width),
            y0 + static_cast<float>(glyph.height), static_cast<float>(at.x) * atlas->TexUvScale.x,
            static_cast<float>(at.y) * atlas->TexUvScale.y,
            static_cast<float>(at.x + glyph.width) * atlas->TexUvScale.x,
            static_cast<float>(at.y + glyph.height) * atlas->TexUvScale.y, glyph.advance);
    }
    // A code point is settled once every size has had its chance: drawn, or '?'.
    for (const GlyphBitmap& glyph : batch.glyphs) {
        settle(m_codePoints[glyph.codePoint], CodePoint::InAtlas);
    }
    for (ImWchar codePoint : batch.absent) {
        for (ImFont* font : fonts) {
            showAsUnknown(font, codePoint);
        }
        settle(m_codePoints[codePoint], CodePoint::Absent);
    }
    for (ImFont* font : fonts) {
        font->BuildLookupTable();
    }
    return update;
}

void Fonts::releaseTextureCopy() {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    if (atlas->TexPixelsRGBA32 != nullptr) {
        ImGui::MemFree(atlas->TexPixelsRGBA32);
        atlas->TexPixelsRGBA32 = nullptr;
    }
}

void Fonts::rgba(const AtlasUpdate& area, std::vector<std::uint32_t>& out) const {
    const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    out.resize(static_cast<std::size_t>(area.width) * static_cast<std::size_t>(area.height));
    for (int row = 0; row < area.height; ++row) {
        const unsigned char* alpha =
            atlas->TexPixelsAlpha8 +
            static_cast<std::size_t>(area.y + row) * static_cast<std::size_t>(atlas->TexWidth) +
            static_cast<std::size_t>(area.x);
        std::uint32_t* rgba =
            out.data() + static_cast<std::size_t>(row) * static_cast<std::size_t>(area.width);
        for (int col = 0; col < area.width; ++col) {
            rgba[col] = IM_COL32(255, 255, 255, alpha[col]); // as GetTexDataAsRGBA32 makes it
        }
    }
}

bool Fonts::roomIsLow() const {
    if (!m_fontData || m_full) {
        return false;
    }
    int rows = 0;
    for (const Region& region : m_regions) {
        rows += region.y + region.height - region.nextShelfY;
    }
    return rows < kLowRoomRows;
}

AtlasUpdate Fonts::grow() {
    AtlasUpdate update;
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    const int oldHeight = atlas->TexHeight;
    const int newHeight = std::min(kMaxAtlasHeight, oldHeight + std::max(oldHeight / 2, 256));
    if (!m_fontData || newHeight <= oldHeight) {
        m_full = true;
        if (m_warning.empty()) {
            m_warning = "font atlas full: further new characters show as '?'";
        }
        return update;
    }
    // Taller pixels: the old rows stay where they are, the new ones are free room.
    const std::size_t width = static_cast<std::size_t>(atlas->TexWidth);
    auto* pixels =
        static_cast<unsigned char*>(ImGui::MemAlloc(width * static_cast<std::size_t>(newHeight)));
    std::memcpy(pixels, atlas->TexPixelsAlpha8, width * static_cast<std::size_t>(oldHeight));
    std::memset(pixels + width * static_cast<std::size_t>(oldHeight), 0,
                width * static_cast<std::size_t>(newHeight - oldHeight));
    ImGui::MemFree(atlas->TexPixelsAlpha8);
    atlas->TexPixelsAlpha8 = pixels;
    releaseTextureCopy(); // made again from the alpha by the next upload
    // Texture coordinates are fractions of the height: every v scales by old / new.
    const float k = static_cast<float>(oldHeight) / static_cast<float>(newHeight);
    for (ImFont* font : atlas->Fonts) {
        for (ImFontGlyph& glyph : font->Glyphs) {
            glyph.V0 *= k;
            glyph.V1 *= k;
        }
    }
    atlas->TexUvWhitePixel.y *= k;
    for (ImVec4& uv : atlas->TexUvLines) {
        uv.y *= k;
        uv.w *= k;
    }
    atlas->TexHeight = newHeight;
    atlas->TexUvScale =
        ImVec2(1.0f / static_cast<float>(atlas->TexWidth), 1.0f / static_cast<float>(newHeight));
    m_regions.push_back(Region{kPadding, oldHeight + kPadding, atlas->TexWidth - 2 * kPadding,
                               newHeight - oldHeight - 2 * kPadding, oldHeight + kPadding});
    update.resized = true;
    return update;
}

} // namespace doorpost::kiosk::ui
