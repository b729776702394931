#include "kiosk/ui/widgets.hpp"

#include "kiosk/ui/ui_context.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace doorpost::kiosk::ui {

void WidgetRegistry::beginFrame() {
    m_building.clear();
}

void WidgetRegistry::endFrame() {
    m_shown.swap(m_building);
}

void WidgetRegistry::note(std::string_view name, ImVec2 min, ImVec2 max, bool enabled) {
    m_building[std::string(name)] = WidgetRect{min, max, enabled};
}

std::optional<WidgetRect> WidgetRegistry::find(std::string_view name) const {
    const auto it = m_shown.find(std::string(name));
    if (it == m_shown.end()) {
        return std::nullopt;
    }
    return it->second;
}

float WidgetRegistry::smallestTouchTarget() const {
    float smallest = std::numeric_limits<float>::max();
    for (const auto& [name, rect] : m_shown) {
        if (name.rfind("chip_", 0) == 0) {
            continue; // chips are read, not tapped
        }
        smallest = std::min({smallest, rect.max.x - rect.min.x, rect.max.y - rect.min.y});
    }
    return smallest;
}

namespace {

ImU32 textColourOn(ImU32 background) {
    // Amber needs dark text for contrast; the other fills take light text.
    return background == colours::kRefer ? colours::kDarkText : colours::kText;
}

ImU32 lighten(ImU32 colour, int amount) {
    auto channel = [&](int shift) {
        const int value = static_cast<int>((colour >> shift) & 0xFFu) + amount;
        return static_cast<ImU32>(std::clamp(value, 0, 255)) << shift;
    };
    return channel(IM_COL32_R_SHIFT) | channel(IM_COL32_G_SHIFT) | channel(IM_COL32_B_SHIFT) |
           (colour & IM_COL32_A_MASK);
}

} // namespace

bool touchButton(UiContext& ctx, const char* name, const char* label, ImVec2 size, ImU32 colour,
                 bool enabled, bool selected) {
    const float minimum = kMinTouch * ctx.scale;
    size.x = std::max(size.x, minimum);
    size.y = std::max(size.y, minimum);
    ImGui::PushID(name);
    const ImU32 fill = selected ? colours::kAccent : colour;
    ImGui::PushStyleColor(ImGuiCol_Button, fill);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, lighten(fill, 18));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, lighten(fill, 40));
    ImGui::PushStyleColor(ImGuiCol_Text, textColourOn(fill));
    if (selected) {
        ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 4.0f * ctx.scale);
    }
    ImGui::BeginDisabled(!enabled);
    const bool pressed = ImGui::Button(label, size);
    ImGui::EndDisabled();
    if (selected) {
        ImGui::PopStyleVar();
    }
    ImGui::PopStyleColor(4);
    ImGui::PopID();
    ctx.widgets.note(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled);
    return pressed && enabled;
}

void statusChip(UiContext& ctx, const char* name, const char* label, const std::string& value,
                ImU32 colour, const char* symbol) {
    const std::string text = std::string(symbol) + " " + label + " " + value;
    ImFont* font = ctx.fonts.body;
    const ImVec2 textSize = font->CalcTextSizeA(font->FontSize, 10000.0f, 0.0f, text.c_str());
    const float padX = 16.0f * ctx.scale;
    const ImVec2 size(textSize.x + 2 * padX,
                      std::max(textSize.y + 16.0f * ctx.scale, 48.0f * ctx.scale));
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), colour, size.y * 0.5f);
    draw->AddText(font, font->FontSize, ImVec2(pos.x + padX, pos.y + (size.y - textSize.y) * 0.5f),
                  textColourOn(colour), text.c_str());
    ImGui::Dummy(size);
    ctx.widgets.note(std::string("chip_") + name, pos, ImVec2(pos.x + size.x, pos.y + size.y),
                     true);
}

void languageButton(UiContext& ctx, ImVec2 size) {
    if (touchButton(ctx, "language", ctx.t(Str::OtherLanguage), size, colours::kPanel)) {
        ctx.model.lang = ctx.model.lang == Lang::Zh ? Lang::En : Lang::Zh;
    }
}

void topBar(UiContext& ctx, const char* title) {
    const float h = 72.0f * ctx.scale;
    ImGui::PushFont(ctx.fonts.large);
    if (touchButton(ctx, "back", ctx.t(Str::Back), ImVec2(180.0f * ctx.scale, h),
                    colours::kPanel)) {
        ctx.model.screen = ScreenId::Door;
    }
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (h - ImGui::GetTextLineHeight()) * 0.5f);
    ImGui::TextUnformatted(title);
    ImGui::SameLine(ImGui::GetWindowWidth() - 220.0f * ctx.scale);
    ImGui::SetCursorPosY(ImGui::GetStyle().WindowPadding.y);
    languageButton(ctx, ImVec2(200.0f * ctx.scale, h));
    ImGui::PopFont();
    ImGui::Separator();
}

void centredText(ImFont* font, ImU32 colour, const char* text) {
    ImGui::PushFont(font);
    const float width = ImGui::CalcTextSize(text).x;
    ImGui::SetCursorPosX(std::max(0.0f, (ImGui::GetWindowWidth() - width) * 0.5f));
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

} // namespace doorpost::kiosk::ui
