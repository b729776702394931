#include "kiosk/ui/clock_entry.hpp"

#include "storage/base/iso_time.hpp"

#include <cstdio>
#include <string>

namespace doorpost::kiosk::ui {

LocalMinute stepLocalMinute(LocalMinute value, ClockField field, int delta) {
    switch (field) {
    case ClockField::Year:
        value.year += delta;
        break;
    case ClockField::Month: {
        const int months = value.year * 12 + (value.month - 1) + delta;
        value.year = months / 12;
        value.month = months % 12 + 1;
        break;
    }
    case ClockField::Day:
    case ClockField::Hour:
    case ClockField::Minute: {
        const std::int64_t unit = field == ClockField::Day    ? 86400
                                  : field == ClockField::Hour ? 3600
                                                              : 60;
        return addSeconds(value, unit * delta);
    }
    }
    while (value.day > 28 && !isValidCivilDate(value.year, value.month, value.day))
        --value.day;
    return value;
}

namespace {

// One field: [-] value [+], each button a full touch target; the buttons are named
// clock_<field>_minus / clock_<field>_plus for scripts.
bool stepper(UiContext& ctx, const char* name, int digits, int shown, bool enabled, int& delta) {
    const float s = ctx.scale;
    const std::string minus = std::string("clock_") + name + "_minus";
    const std::string plus = std::string("clock_") + name + "_plus";
    bool tapped = false;
    ImGui::PushFont(ctx.fonts.large);
    if (touchButton(ctx, minus.c_str(), "-", ImVec2(72 * s, 72 * s), colours::kPanel, enabled)) {
        delta = -1;
        tapped = true;
    }
    ImGui::SameLine();
    char text[16];
    std::snprintf(text, sizeof text, "%0*d", digits, shown);
    const float width = ImGui::CalcTextSize("0000").x + 16 * s;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float textWidth = ImGui::CalcTextSize(text).x;
    // Centred on the buttons: the CJK face's line box sits its digits low, hence the lift.
    const float lift = ImGui::GetFontSize() * 0.15f;
    ImGui::SetCursorScreenPos(ImVec2(at.x + (width - textWidth) * 0.5f,
                                     at.y + (72 * s - ImGui::GetFontSize()) * 0.5f - lift));
    ImGui::TextUnformatted(text);
    ImGui::SameLine();
    ImGui::SetCursorScreenPos(ImVec2(at.x + width, at.y));
    if (touchButton(ctx, plus.c_str(), "+", ImVec2(72 * s, 72 * s), colours::kPanel, enabled)) {
        delta = 1;
        tapped = true;
    }
    ImGui::PopFont();
    return tapped;
}

} // namespace

ClockEntry::Action ClockEntry::draw(UiContext& ctx, bool enabled) {
    const float s = ctx.scale;
    const float labelWidth = 260 * s;
    const struct Field {
        ClockField field;
        const char* name;
        int digits;
        int shown;
    } dateFields[] = {{ClockField::Year, "year", 4, m_value.year},
                      {ClockField::Month, "month", 2, m_value.month},
                      {ClockField::Day, "day", 2, m_value.day}},
      timeFields[] = {{ClockField::Hour, "hour", 2, m_value.hour},
                      {ClockField::Minute, "minute", 2, m_value.minute}};
    auto row = [&](Str label, const auto& fields) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(label));
        ImGui::SameLine(labelWidth);
        for (const Field& f : fields) {
            int delta = 0;
            if (stepper(ctx, f.name, f.digits, f.shown, enabled, delta))
                m_value = stepLocalMinute(m_value, f.field, delta);
            ImGui::SameLine(0, 40 * s);
        }
        ImGui::NewLine();
        ImGui::Spacing();
    };
    row(Str::ClockDate, dateFields);
    row(Str::ClockTime, timeFields);

    // What will be recorded, in words, before anyone taps Set.
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::ClockNewTime));
    ImGui::SameLine(labelWidth);
    ImGui::PushFont(ctx.fonts.large);
    ImGui::TextUnformatted(formatLocalMinute(m_value).c_str());
    ImGui::PopFont();
    ImGui::Spacing();

    Action action = Action::None;
    ImGui::PushFont(ctx.fonts.large);
    const ImVec2 big(360 * s, 96 * s);
    if (touchButton(ctx, "clock_cancel", ctx.t(Str::Cancel), big, colours::kNeutral, enabled))
        action = Action::Cancel;
    ImGui::SameLine();
    if (touchButton(ctx, "clock_set", ctx.t(Str::ClockSetApply), big, colours::kAccent, enabled))
        action = Action::Set;
    ImGui::PopFont();
    return action;
}

} // namespace doorpost::kiosk::ui
