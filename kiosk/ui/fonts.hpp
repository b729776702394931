#pragma once
// The kiosk's fonts: Noto Sans CJK SC from fonts-noto-cjk in three sizes. A full CJK atlas is
// tens of megabytes, so the atlas holds only the glyphs we display: Latin, the strings table,
// and dynamic texts (names, the gate's reasons) added as they arrive, which trigger a rebuild
// between frames.

#include <imgui.h>
#include <set>
#include <string>
#include <string_view>

namespace doorpost::kiosk::ui {

// Where fonts-noto-cjk puts the collection, or $DOORPOST_CJK_FONT; empty when not found.
std::string findCjkFont();

class Fonts {
public:
    // Builds the atlas in the current ImGui context. Without a CJK font it falls back to ImGui's
    // built-in font (CJK then shows as '?') and says so in `warning()`.
    void build(float scale);

    // Adds the code points of `text`; true when some were new (the atlas needs a rebuild).
    bool addText(std::string_view text);

    const std::string& fontPath() const { return m_path; }
    const std::string& warning() const { return m_warning; }
    int glyphCount() const { return static_cast<int>(m_codepoints.size()); }

    ImFont* body = nullptr;  // ~30 px: labels, lists
    ImFont* large = nullptr; // ~44 px: buttons, keypad
    ImFont* huge = nullptr;  // ~96 px: verdict words

private:
    std::set<ImWchar> m_codepoints;
    ImVector<ImWchar> m_ranges;     // must outlive the atlas build
    ImVector<ImWchar> m_hugeRanges; // likewise
    std::string m_path;
    std::string m_warning;
};

} // namespace doorpost::kiosk::ui
