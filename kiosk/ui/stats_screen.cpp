#include "kiosk/ui/stats_screen.hpp"

#include "storage/base/local_time.hpp"

#include <algorithm>
#include <ctime>

namespace doorpost::kiosk::ui {
namespace {

struct Series {
    Str label;
    ImU32 colour;
    int app::StatsBucket::*field;
    int hatch; // 0 solid, 1 diagonal lines, 2 horizontal lines: told apart without colour
};

constexpr ImU32 kManualColour = IM_COL32(0x4F, 0x9D, 0xE8, 0xFF);

void hatchedBar(ImDrawList* draw, ImVec2 min, ImVec2 max, ImU32 colour, int hatch) {
    draw->AddRectFilled(min, max, colour);
    const ImU32 ink = IM_COL32(0, 0, 0, 110);
    if (hatch == 1) {
        draw->PushClipRect(min, max, true);
        for (float x = min.x - (max.y - min.y); x < max.x; x += 8.0f) {
            draw->AddLine(ImVec2(x, max.y), ImVec2(x + (max.y - min.y), min.y), ink, 2.0f);
        }
        draw->PopClipRect();
    } else if (hatch == 2) {
        for (float y = max.y - 4.0f; y > min.y; y -= 8.0f) {
            draw->AddLine(ImVec2(min.x, y), ImVec2(max.x, y), ink, 2.0f);
        }
    }
}

} // namespace

void StatsScreen::onEnter(UiContext& ctx) {
    if (ctx.ports.query == nullptr) {
        return;
    }
    ctx.model.statsLoading = true;
    ctx.ports.query->statsPer10Min(startOfLocalDay(ctx.wallNowUnix), ctx.wallNowUnix + 1,
                                   ctx.onUi<Result<std::vector<app::StatsBucket>>>(
                                       [](UiModel& m, Result<std::vector<app::StatsBucket>> r) {
                                           m.statsLoading = false;
                                           if (r.ok()) {
                                               m.stats = std::move(r.value());
                                               m.statsError.clear();
                                           } else {
                                               m.statsError = r.error().message;
                                           }
                                       }));
}

void StatsScreen::drawBody(UiContext& ctx) {
    const float s = ctx.scale;
    const UiModel& m = ctx.model;
    const Series series[] = {{Str::CountAdmitted, colours::kAdmit, &app::StatsBucket::admitted, 0},
                             {Str::CountDenied, colours::kDeny, &app::StatsBucket::denied, 1},
                             {Str::CountManual, kManualColour, &app::StatsBucket::manual, 2}};

    // Legend: swatch with its hatch, then the word.
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::Per10Min));
    ImGui::SameLine();
    for (const Series& line : series) {
        int total = 0;
        for (const app::StatsBucket& bucket : m.stats) {
            total += bucket.*line.field;
        }
        const ImVec2 p = ImGui::GetCursorScreenPos();
        hatchedBar(draw, ImVec2(p.x, p.y + 4 * s), ImVec2(p.x + 40 * s, p.y + 30 * s), line.colour,
                   line.hatch);
        ImGui::Dummy(ImVec2(48 * s, 30 * s));
        ImGui::SameLine();
        ImGui::Text("%s %d", ctx.t(line.label), total);
        ImGui::SameLine(0, 40 * s);
    }
    ImGui::NewLine();

    if (m.statsLoading) {
        ImGui::TextUnformatted(ctx.t(Str::Loading));
        return;
    }
    if (!m.statsError.empty()) {
        ImGui::TextColored(ImColor(colours::kDeny), "%s", m.statsError.c_str());
        return;
    }
    m_total = 0;
    int peak = 1;
    for (const app::StatsBucket& bucket : m.stats) {
        for (const Series& line : series) {
            peak = std::max(peak, bucket.*line.field);
            m_total += bucket.*line.field;
        }
    }
    if (m.stats.empty()) {
        ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::NoData));
        return;
    }

    // The chart: one group of three bars per 10-minute bucket, a count scale on the left.
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    const float axis = 70 * s;
    const float bottom = origin.y + size.y - 44 * s;
    const float top = origin.y + 10 * s;
    const float plotWidth = size.x - axis;
    draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y), colours::kPanel,
                        8 * s);
    for (int tick = 0; tick <= 4; ++tick) {
        const float y = bottom - (bottom - top) * static_cast<float>(tick) / 4.0f;
        draw->AddLine(ImVec2(origin.x + axis, y), ImVec2(origin.x + size.x, y),
                      IM_COL32(255, 255, 255, 40));
        const std::string label = std::to_string(peak * tick / 4);
        draw->AddText(ImVec2(origin.x + 10 * s, y - 14 * s), colours::kMuted, label.c_str());
    }
    const float slot = plotWidth / static_cast<float>(m.stats.size());
    const float barWidth = std::max(2.0f, slot * 0.8f / 3.0f);
    const int labelEvery = std::max(1, static_cast<int>(110 * s / slot));
    for (std::size_t i = 0; i < m.stats.size(); ++i) {
        const app::StatsBucket& bucket = m.stats[i];
        const float x0 = origin.x + axis + slot * static_cast<float>(i) + slot * 0.1f;
        for (std::size_t k = 0; k < std::size(series); ++k) {
            const float h = (bottom - top) * static_cast<float>(bucket.*series[k].field) /
                            static_cast<float>(peak);
            const float x = x0 + barWidth * static_cast<float>(k);
            if (h > 0) {
                hatchedBar(draw, ImVec2(x, bottom - h), ImVec2(x + barWidth - 1, bottom),
                           series[k].colour, series[k].hatch);
            }
        }
        if (static_cast<int>(i) % labelEvery == 0) {
            draw->AddText(ImVec2(x0, bottom + 8 * s), colours::kMuted,
                          localClock(bucket.startUnix).c_str());
        }
    }
    ImGui::Dummy(size);
}

void StatsScreen::describe(nlohmann::json& state) const {
    state["stats_total"] = m_total;
}

} // namespace doorpost::kiosk::ui
