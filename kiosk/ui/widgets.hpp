#pragma once
// Touch widgets: big buttons (at least 64 px), chips, and the registry that lets scripts find a
// widget by name the way a person finds it by sight.

#include <imgui.h>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace doorpost::kiosk::ui {

struct UiContext;

constexpr float kMinTouch = 64.0f; // the smallest touch target, in pixels at scale 1

struct WidgetRect {
    ImVec2 min;
    ImVec2 max;
    bool enabled = true;
    ImVec2 centre() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
};

// The named widgets drawn in the last complete frame (UI thread only).
class WidgetRegistry {
public:
    void beginFrame();
    void endFrame();
    void note(std::string_view name, ImVec2 min, ImVec2 max, bool enabled);
    std::optional<WidgetRect> find(std::string_view name) const;
    int count() const { return static_cast<int>(m_shown.size()); }
    float smallestTouchTarget() const; // over the last frame's buttons

private:
    std::unordered_map<std::string, WidgetRect> m_building;
    std::unordered_map<std::string, WidgetRect> m_shown;
};

namespace colours {
constexpr ImU32 kAdmit = IM_COL32(0x1B, 0x7F, 0x3B, 0xFF);
constexpr ImU32 kDeny = IM_COL32(0xC6, 0x28, 0x28, 0xFF);
constexpr ImU32 kRefer = IM_COL32(0xF2, 0xA0, 0x0C, 0xFF);
constexpr ImU32 kNeutral = IM_COL32(0x37, 0x47, 0x5A, 0xFF);
constexpr ImU32 kAccent = IM_COL32(0x1F, 0x5F, 0xAF, 0xFF);
constexpr ImU32 kBackground = IM_COL32(0x14, 0x1A, 0x22, 0xFF);
constexpr ImU32 kPanel = IM_COL32(0x22, 0x2B, 0x36, 0xFF);
constexpr ImU32 kText = IM_COL32(0xF4, 0xF6, 0xF8, 0xFF);
constexpr ImU32 kDarkText = IM_COL32(0x14, 0x14, 0x14, 0xFF);
constexpr ImU32 kMuted = IM_COL32(0xA8, 0xB3, 0xBF, 0xFF);
} // namespace colours

// A touch button named `name` (for scripts) showing `label`. Returns true when tapped.
bool touchButton(UiContext& ctx, const char* name, const char* label, ImVec2 size,
                 ImU32 colour = colours::kNeutral, bool enabled = true, bool selected = false);

// A rounded status chip: a state symbol (never colour alone), a label and a short value.
void statusChip(UiContext& ctx, const char* name, const char* label, const std::string& value,
                ImU32 colour, const char* symbol);

// The bar at the top of every screen but the door: Back, the title, the language switch.
void topBar(UiContext& ctx, const char* title);

// The language switch, usable from any screen.
void languageButton(UiContext& ctx, ImVec2 size);

// Centred text in a given font and colour on the current line.
void centredText(ImFont* font, ImU32 colour, const char* text);

} // namespace doorpost::kiosk::ui
