#include "kiosk/ui/fonts.hpp"

#include "kiosk/ui/strings.hpp"

#include <cstdlib>
#include <filesystem>

namespace doorpost::kiosk::ui {
namespace {

// Index of "Noto Sans CJK SC" inside NotoSansCJK-*.ttc (fc-query: JP 0, KR 1, SC 2, TC 3).
constexpr int kSimplifiedChineseFaceIndex = 2;

// Decodes UTF-8 leniently: a malformed byte becomes U+FFFD rather than stopping the walk.
template <typename Fn> void forEachCodepoint(std::string_view text, Fn&& fn) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        unsigned cp = 0xFFFD;
        std::size_t len = 1;
        if (byte < 0x80) {
            cp = byte;
        } else if ((byte >> 5) == 0x6 && i + 1 < text.size()) {
            cp = ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            len = 2;
        } else if ((byte >> 4) == 0xE && i + 2 < text.size()) {
            cp = ((byte & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
            len = 3;
        } else if ((byte >> 3) == 0x1E && i + 3 < text.size()) {
            len = 4; // outside the BMP: ImWchar is 16 bits in Debian's build, shown as '?'
        }
        i += len;
        if (cp <= 0xFFFF) {
            fn(static_cast<ImWchar>(cp));
        }
    }
}

} // namespace

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

bool Fonts::addText(std::string_view text) {
    bool added = false;
    forEachCodepoint(text, [&](ImWchar cp) {
        if (cp >= 0x20) {
            added |= m_codepoints.insert(cp).second;
        }
    });
    return added;
}

void Fonts::build(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    if (m_codepoints.empty()) {
        for (ImWchar cp = 0x20; cp < 0x7F; ++cp) {
            m_codepoints.insert(cp);
        }
        for (std::string_view text : allStrings()) {
            addText(text);
        }
        addText("0123456789X?·…—–（）：，。、% ●▲×○"); // digits and punctuation of dynamic texts
    }
    ImFontGlyphRangesBuilder builder;
    for (ImWchar cp : m_codepoints) {
        builder.AddChar(cp);
    }
    m_ranges.clear();
    builder.BuildRanges(&m_ranges);

    m_path = findCjkFont();
    if (m_path.empty()) {
        m_warning = "no CJK font found (install fonts-noto-cjk or set DOORPOST_CJK_FONT); "
                    "Chinese text will show as '?'";
        ImFontConfig config;
        config.SizePixels = 13.0f * 2.0f * scale;
        body = io.Fonts->AddFontDefault(&config);
        large = body;
        huge = body;
        io.Fonts->Build();
        return;
    }
    m_warning.clear();
    auto add = [&](float pixels, const ImVector<ImWchar>& ranges) {
        ImFontConfig config;
        config.FontNo = kSimplifiedChineseFaceIndex;
        config.OversampleH = 1; // the software renderer draws at 1:1; oversampling only costs atlas
        config.OversampleV = 1;
        config.PixelSnapH = true;
        return io.Fonts->AddFontFromFileTTF(m_path.c_str(), pixels * scale, &config, ranges.Data);
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
    if (body == nullptr || large == nullptr || huge == nullptr) {
        m_warning = "could not load " + m_path;
        io.Fonts->Clear();
        body = large = huge = io.Fonts->AddFontDefault();
    }
    io.Fonts->Build();
}

} // namespace doorpost::kiosk::ui
