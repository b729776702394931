#include "kiosk/ui/roster_screen.hpp"

namespace doorpost::kiosk::ui {

void RosterScreen::onEnter(UiContext& ctx) {
    m_search[0] = '\0';
    load(ctx);
}

void RosterScreen::load(UiContext& ctx) {
    if (ctx.ports.query == nullptr) {
        return;
    }
    ctx.model.rosterLoading = true;
    ctx.ports.query->roster(m_search, ctx.onUi<Result<std::vector<app::RosterEntry>>>(
                                          [](UiModel& m, Result<std::vector<app::RosterEntry>> r) {
                                              m.rosterLoading = false;
                                              if (!r.ok()) {
                                                  m.rosterError = r.error().message;
                                                  return;
                                              }
                                              m.rosterError.clear();
                                              m.roster = std::move(r.value());
                                              for (const app::RosterEntry& entry : m.roster) {
                                                  m.noteText(entry.name);
                                              }
                                          }));
}

void RosterScreen::drawBody(UiContext& ctx) {
    const float s = ctx.scale;
    UiModel& m = ctx.model;

    m_arrived = 0;
    m_notArrived = 0;
    for (const app::RosterEntry& entry : m.roster) {
        (entry.arrived ? m_arrived : m_notArrived)++;
    }
    ImGui::PushFont(ctx.fonts.large);
    const std::string notArrived =
        std::string(ctx.t(Str::NotArrived)) + " " + std::to_string(m_notArrived);
    const std::string arrived = std::string(ctx.t(Str::Arrived)) + " " + std::to_string(m_arrived);
    if (touchButton(ctx, "show_not_arrived", notArrived.c_str(), ImVec2(260 * s, 72 * s),
                    colours::kPanel, true, !m_showArrived)) {
        m_showArrived = false;
    }
    ImGui::SameLine();
    if (touchButton(ctx, "show_arrived", arrived.c_str(), ImVec2(260 * s, 72 * s), colours::kPanel,
                    true, m_showArrived)) {
        m_showArrived = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(360 * s);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(16 * s, 14 * s));
    const bool edited =
        ImGui::InputTextWithHint("##search", ctx.t(Str::Search), m_search, sizeof m_search);
    ctx.widgets.note("search_field", ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), true);
    ImGui::PopStyleVar();
    ImGui::PopFont();
    if (edited) {
        load(ctx); // one query per edit; the port serves them in order off the UI thread
    }

    if (ctx.ports.query == nullptr ||
        (!m.rosterLoading && m.roster.empty() && m.rosterError.empty())) {
        ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::NoData));
        return;
    }
    if (!m.rosterError.empty()) {
        ImGui::TextColored(ImColor(colours::kDeny), "%s", m.rosterError.c_str());
    }
    constexpr ImGuiTableFlags kFlags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH;
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(12 * s, 14 * s));
    if (ImGui::BeginTable("roster", 5, kFlags, ImGui::GetContentRegionAvail())) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (Str column : {Str::CandidateNumber, Str::Name, Str::MaskedId, Str::Room, Str::Seat}) {
            ImGui::TableSetupColumn(ctx.t(column));
        }
        ImGui::TableHeadersRow();
        for (const app::RosterEntry& entry : m.roster) {
            if (entry.arrived != m_showArrived) {
                continue;
            }
            ImGui::TableNextRow(0, 56 * s);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.candidateNumber.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.maskedId.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.room.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(entry.seat.c_str());
        }
        ImGui::EndTable();
    }
    ImGui::PopStyleVar();
}

void RosterScreen::describe(nlohmann::json& state) const {
    state["roster_arrived"] = m_arrived;
    state["roster_not_arrived"] = m_notArrived;
}

} // namespace doorpost::kiosk::ui
