#include "kiosk/ui/glyph_rasterizer.hpp"

#include <stb_truetype.h>
#include <utility>

namespace doorpost::kiosk::ui {
namespace {

// Code points drawn between two looks at the queue: a few milliseconds' work.
constexpr std::size_t kChunk = 32;

} // namespace

GlyphRasterizer::GlyphRasterizer(FontBytes font, int faceIndex, std::vector<float> pixelSizes,
                                 Deliver deliver)
    : m_font(std::move(font)), m_faceIndex(faceIndex), m_pixelSizes(std::move(pixelSizes)),
      m_deliver(std::move(deliver)), m_thread([this] { loop(); }) {}

GlyphRasterizer::~GlyphRasterizer() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_requests.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

void GlyphRasterizer::request(std::vector<ImWchar> codePoints) {
    if (codePoints.empty()) {
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(std::move(codePoints));
    }
    m_wake.notify_one();
}

void GlyphRasterizer::loop() {
    // The font is parsed once, on this thread; stb_truetype only reads the shared bytes.
    const unsigned char* data = m_font->data();
    stbtt_fontinfo info{};
    const int offset = stbtt_GetFontOffsetForIndex(data, m_faceIndex);
    const bool loaded = offset >= 0 && stbtt_InitFont(&info, data, offset) != 0;
    std::vector<float> scales;
    for (float pixels : m_pixelSizes) {
        scales.push_back(loaded ? stbtt_ScaleForPixelHeight(&info, pixels) : 0.0f);
    }
    for (;;) {
        std::vector<ImWchar> codePoints;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_requests.empty(); });
            if (m_stopping) {
                return;
            }
            codePoints = std::move(m_requests.front());
            m_requests.pop_front();
            if (codePoints.size() > kChunk) {
                // A long request (a whole roster) goes round in chunks, so a name asked for after
                // it is not kept waiting behind all of it.
                m_requests.emplace_back(codePoints.begin() + kChunk, codePoints.end());
                codePoints.resize(kChunk);
            }
        }
        auto batch = std::make_shared<GlyphBatch>();
        for (ImWchar codePoint : codePoints) {
            const int glyph = loaded ? stbtt_FindGlyphIndex(&info, codePoint) : 0;
            if (glyph == 0) {
                batch->absent.push_back(codePoint);
                continue;
            }
            int advance = 0;
            int leftBearing = 0;
            stbtt_GetGlyphHMetrics(&info, glyph, &advance, &leftBearing);
            for (std::size_t size = 0; size < scales.size(); ++size) {
                // What ImGui's builder does with OversampleH/V = 1: the box at this scale, no
                // sub-pixel shift, the bitmap drawn into exactly that box.
                const float scale = scales[size];
                int x0 = 0;
                int y0 = 0;
                int x1 = 0;
                int y1 = 0;
                stbtt_GetGlyphBitmapBoxSubpixel(&info, glyph, scale, scale, 0, 0, &x0, &y0, &x1,
                                                &y1);
                GlyphBitmap bitmap;
                bitmap.codePoint = codePoint;
                bitmap.size = static_cast<int>(size);
                bitmap.x0 = x0;
                bitmap.y0 = y0;
                bitmap.width = x1 - x0;
                bitmap.height = y1 - y0;
                bitmap.advance = scale * static_cast<float>(advance);
                bitmap.alpha.resize(static_cast<std::size_t>(bitmap.width) *
                                    static_cast<std::size_t>(bitmap.height));
                if (!bitmap.alpha.empty()) {
                    stbtt_MakeGlyphBitmapSubpixel(&info, bitmap.alpha.data(), bitmap.width,
                                                  bitmap.height, bitmap.width, scale, scale, 0, 0,
                                                  glyph);
                }
                batch->glyphs.push_back(std::move(bitmap));
            }
        }
        m_deliver(std::move(batch));
    }
}

} // namespace doorpost::kiosk::ui
