#include "kiosk/ui/screen.hpp"

namespace doorpost::kiosk::ui {

void Screen::draw(UiContext& ctx) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24.0f * ctx.scale, 20.0f * ctx.scale));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(16.0f * ctx.scale, 14.0f * ctx.scale));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(16.0f * ctx.scale, 12.0f * ctx.scale));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 10.0f * ctx.scale);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    constexpr ImGuiWindowFlags kFlags =
        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
        ImGuiWindowFlags_NoBackground; // cleared by SDL: cheaper
    ImGui::PushStyleColor(ImGuiCol_WindowBg, colours::kBackground);
    if (ImGui::Begin("##screen", nullptr, kFlags)) {
        ImGui::PushFont(ctx.fonts.body);
        drawContent(ctx);
        ImGui::PopFont();
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(5);
}

void TitledScreen::drawContent(UiContext& ctx) {
    topBar(ctx, ctx.t(m_title));
    drawBody(ctx);
}

} // namespace doorpost::kiosk::ui
