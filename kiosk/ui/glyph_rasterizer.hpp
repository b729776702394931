#pragma once
// GlyphRasterizer: draws glyphs the font atlas lacks (a name, a reason from the gate) on a thread
// of its own, so the UI thread never rasterizes a font, reads the font file or rebuilds the atlas
// while people wait at the door. It draws exactly as Dear ImGui's stb_truetype builder would for
// the same font, face and size (no oversampling), so a glyph added later looks like one built in.
//
// Threads meet here:
//  - the UI thread calls request(): a short lock, a push, a notify; it never waits for a glyph;
//  - the rasterizer thread pops requests in order, draws them with no lock held, and hands each
//    batch to the `deliver` callback given at construction, which posts it to the UI queue. The
//    UI thread adds the batch to the atlas between frames (Fonts::add).
// The font file's bytes are shared read-only with the atlas; neither side writes them.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <imgui.h>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace doorpost::kiosk::ui {

// One glyph at one size, as stb_truetype draws it: a coverage bitmap and where it sits relative
// to the pen on the baseline.
struct GlyphBitmap {
    ImWchar codePoint = 0;
    int size = 0; // index into the rasterizer's pixel sizes
    int x0 = 0;   // left edge from the pen, pixels
    int y0 = 0;   // top edge from the baseline (negative above it), pixels
    int width = 0;
    int height = 0;
    float advance = 0;                // unrounded, pixels
    std::vector<unsigned char> alpha; // width * height
};

struct GlyphBatch {
    std::vector<GlyphBitmap> glyphs; // every requested code point the font has, at every size
    std::vector<ImWchar> absent;     // requested code points the font has no glyph for
};

using FontBytes = std::shared_ptr<const std::vector<unsigned char>>;

class GlyphRasterizer {
public:
    using Deliver = std::function<void(std::shared_ptr<const GlyphBatch>)>;

    // `font`: a TrueType/OpenType file or collection; `faceIndex`: the face inside a collection;
    // `pixelSizes`: the sizes (ImFontConfig::SizePixels) of the atlas fonts that take new glyphs.
    // `deliver` runs on the rasterizer thread.
    GlyphRasterizer(FontBytes font, int faceIndex, std::vector<float> pixelSizes, Deliver deliver);
    ~GlyphRasterizer(); // drops requests not started, finishes the one in hand, joins
    GlyphRasterizer(const GlyphRasterizer&) = delete;
    GlyphRasterizer& operator=(const GlyphRasterizer&) = delete;

    // Any thread: draw these code points at every size. Batches answer requests in order; a long
    // request is answered in several, taking turns with the requests made after it.
    void request(std::vector<ImWchar> codePoints);

private:
    void loop();

    FontBytes m_font;
    int m_faceIndex;
    std::vector<float> m_pixelSizes;
    Deliver m_deliver;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::vector<ImWchar>> m_requests; // guarded by m_mutex
    bool m_stopping = false;                     // guarded by m_mutex
    std::thread m_thread;                        // last: started once everything above exists
};

} // namespace doorpost::kiosk::ui
