#include "kiosk/ui/manual_screen.hpp"

#include "kiosk/app/gate_adapter.hpp"
#include "kiosk/ui/door_screen.hpp"
#include "storage/base/local_time.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace doorpost::kiosk::ui {
namespace {

constexpr std::size_t kMaxTyped = 32;

} // namespace

void ManualScreen::onEnter(UiContext& ctx) {
    ctx.model.manualFault.reset(); // a new person: the last one's fault is not theirs
    m_type = IdType::Resident;
    m_number.clear();
    m_name[0] = '\0';
    m_numberText[0] = '\0';
    m_reason.reset();
    m_preview = {};
    // A new person: whatever the last form had prepared is not theirs.
    m_prepared.clear();
    if (ctx.ports.gate != nullptr) {
        ctx.ports.gate->forgetRegistration();
    }
}

void ManualScreen::followPrepared(UiContext& ctx) {
    // The subject key (argon2id, tens of ms of a core) is derived on the gate's side as soon as
    // the number is complete and valid, while staff pick the reason: confirm then does not wait
    // for it. Asked once per change of the number; the gate keeps it for this registration only.
    const std::string wanted = m_preview.valid ? m_number : std::string();
    if (wanted == m_prepared && m_type == m_preparedType) {
        return;
    }
    const bool had = !m_prepared.empty();
    m_prepared = wanted;
    m_preparedType = m_type;
    if (ctx.ports.gate == nullptr) {
        return;
    }
    if (!wanted.empty()) {
        ctx.ports.gate->prepareRegistration(m_type, wanted);
    } else if (had) {
        ctx.ports.gate->forgetRegistration();
    }
}

void ManualScreen::press(char key) {
    if (key == '<') {
        if (!m_number.empty()) {
            m_number.pop_back();
        }
    } else if (key == 'C') {
        m_number.clear();
    } else if (m_number.size() < kMaxTyped) {
        m_number.push_back(key);
    }
    std::snprintf(m_numberText, sizeof m_numberText, "%s", m_number.c_str());
}

void ManualScreen::drawBody(UiContext& ctx) {
    m_preview = app::previewId(m_type, m_number, localDateYmd(ctx.wallNowUnix));
    followPrepared(ctx);
    drawIdTypes(ctx);
    const float left = ImGui::GetContentRegionAvail().x - 470.0f * ctx.scale;
    ImGui::BeginGroup();
    drawEntry(ctx, left);
    if (ctx.model.manualFault && !ctx.model.gateBusy) {
        // NOT RECORDED takes the place of name and reasons; the number, the reason chosen and
        // Confirm stay, so a retry after the fix is one tap. Any key dismisses it to edit.
        const float room = ImGui::GetWindowHeight() - ImGui::GetCursorPosY() - 16.0f * ctx.scale;
        drawFaultPanel(ctx, ImVec2(left, std::max(120.0f * ctx.scale, room)),
                       *ctx.model.manualFault);
    } else {
        drawName(ctx, left);
        drawReasons(ctx, left);
    }
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    drawKeypad(ctx);
    ImGui::EndGroup();
}

void ManualScreen::drawIdTypes(UiContext& ctx) {
    const float s = ctx.scale;
    struct Choice {
        IdType type;
        const char* name;
        Str label;
        float width;
    };
    const Choice choices[] = {{IdType::Resident, "type_resident", Str::IdResident, 230},
                              {IdType::Passport, "type_passport", Str::IdPassport, 180},
                              {IdType::Permit, "type_permit", Str::IdPermit, 370},
                              {IdType::Other, "type_other", Str::IdOther, 180}};
    for (const Choice& choice : choices) {
        if (touchButton(ctx, choice.name, ctx.t(choice.label), ImVec2(choice.width * s, 64 * s),
                        colours::kPanel, !ctx.model.gateBusy, m_type == choice.type)) {
            m_type = choice.type;
            ctx.model.manualFault.reset();
            m_number.clear();
            m_numberText[0] = '\0';
        }
        ImGui::SameLine();
    }
    ImGui::NewLine();
}

void ManualScreen::drawEntry(UiContext& ctx, float width) {
    const float s = ctx.scale;
    ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::IdNumber));
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const float clearWidth = 150.0f * s;
    const ImVec2 box(width - clearWidth - ImGui::GetStyle().ItemSpacing.x, 84.0f * s);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImU32 border = colours::kMuted;
    if (m_preview.valid) {
        border = colours::kAdmit;
    } else if (m_preview.status != app::IdStatus::Empty &&
               m_preview.status != app::IdStatus::Incomplete) {
        border = colours::kDeny;
    }
    draw->AddRectFilled(min, ImVec2(min.x + box.x, min.y + box.y), colours::kPanel, 10.0f * s);
    draw->AddRect(min, ImVec2(min.x + box.x, min.y + box.y), border, 10.0f * s, 0, 4.0f * s);
    if (m_type == IdType::Resident) {
        // Grouped 6-8-4 like the card (area, birth date, sequence + check) so staff can compare.
        std::string shown;
        for (std::size_t i = 0; i < m_number.size(); ++i) {
            if (i == 6 || i == 14) {
                shown += ' ';
            }
            shown += m_number[i];
        }
        draw->AddText(ctx.fonts.large, ctx.fonts.large->FontSize,
                      ImVec2(min.x + 20 * s, min.y + (box.y - ctx.fonts.large->FontSize) * 0.5f),
                      colours::kText, shown.c_str());
        ImGui::Dummy(box);
        ImGui::SameLine();
        ImGui::PushFont(ctx.fonts.large);
        if (touchButton(ctx, "key_clear", ctx.t(Str::Clear), ImVec2(clearWidth, box.y),
                        colours::kPanel, !ctx.model.gateBusy)) {
            press('C');
            ctx.model.manualFault.reset();
        }
        ImGui::PopFont();
    } else {
        // Passports and permits carry letters: typed through the system input method.
        ImGui::SetCursorScreenPos(ImVec2(min.x + 12 * s, min.y + 12 * s));
        ImGui::PushFont(ctx.fonts.large);
        ImGui::SetNextItemWidth(box.x - 24 * s);
        ImGui::PushStyleColor(ImGuiCol_FrameBg, colours::kPanel);
        if (ImGui::InputText("##number", m_numberText, sizeof m_numberText,
                             ImGuiInputTextFlags_CharsUppercase |
                                 ImGuiInputTextFlags_CharsNoBlank)) {
            m_number = m_numberText;
        }
        ctx.widgets.note("number_field", ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), true);
        ImGui::PopStyleColor();
        ImGui::PopFont();
        ImGui::SetCursorScreenPos(ImVec2(min.x, min.y + box.y + ImGui::GetStyle().ItemSpacing.y));
    }

    // What the check says, and what the number encodes, to compare with the card.
    Str status = Str::IdIncomplete;
    ImU32 colour = colours::kMuted;
    const char* symbol = "…";
    switch (m_preview.status) {
    case app::IdStatus::Empty:
    case app::IdStatus::Incomplete:
        break;
    case app::IdStatus::CheckOk:
        status = Str::IdCheckOk;
        colour = colours::kAdmit;
        symbol = "●";
        break;
    case app::IdStatus::FormatOk:
        status = Str::IdFormatOk;
        colour = colours::kAdmit;
        symbol = "●";
        break;
    case app::IdStatus::CheckWrong:
        status = Str::IdCheckWrong;
        colour = colours::kDeny;
        symbol = "×";
        break;
    case app::IdStatus::BadDate:
        status = Str::IdBadDate;
        colour = colours::kDeny;
        symbol = "×";
        break;
    case app::IdStatus::BadArea:
        status = Str::IdBadArea;
        colour = colours::kDeny;
        symbol = "×";
        break;
    case app::IdStatus::TooLong:
        status = Str::IdTooLong;
        colour = colours::kDeny;
        symbol = "×";
        break;
    case app::IdStatus::BadFormat:
        status = Str::IdBadFormat;
        colour = colours::kDeny;
        symbol = "×";
        break;
    }
    char line[160];
    if (m_type == IdType::Resident) {
        std::snprintf(line, sizeof line, "%s %s  (%zu/18)", symbol, ctx.t(status), m_number.size());
    } else {
        std::snprintf(line, sizeof line, "%s %s", symbol, ctx.t(status));
    }
    ImGui::PushFont(ctx.fonts.large);
    ImGui::TextColored(ImColor(colour), "%s", line);
    ImGui::PopFont();
    if (m_type == IdType::Resident) {
        const char* sex = m_preview.sex == 'M'   ? ctx.t(Str::Male)
                          : m_preview.sex == 'F' ? ctx.t(Str::Female)
                                                 : "—";
        ImGui::Text("%s  %s      %s  %s", ctx.t(Str::Born),
                    m_preview.birthDate.empty() ? "—" : m_preview.birthDate.c_str(),
                    ctx.t(Str::Sex), sex);
    } else {
        ImGui::NewLine();
    }
}

void ManualScreen::drawName(UiContext& ctx, float width) {
    const float s = ctx.scale;
    ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::NameOptional));
    ImGui::PushFont(ctx.fonts.large);
    ImGui::SetNextItemWidth(width);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(16 * s, 10 * s));
    if (ImGui::InputText("##name", m_name, sizeof m_name)) {
        ctx.model.noteText(m_name); // typed Chinese names need their glyphs in the atlas
    }
    ctx.widgets.note("name_field", ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), true);
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

void ManualScreen::drawReasons(UiContext& ctx, float width) {
    const float s = ctx.scale;
    ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::Reason));
    struct Choice {
        app::ManualReason reason;
        const char* name;
        Str label;
    };
    const Choice choices[] = {
        {app::ManualReason::NoPhone, "reason_no_phone", Str::ReasonNoPhone},
        {app::ManualReason::WillNotScan, "reason_will_not_scan", Str::ReasonWillNotScan},
        {app::ManualReason::AppDown, "reason_app_down", Str::ReasonAppDown},
        {app::ManualReason::Other, "reason_other", Str::ReasonOther}};
    const float w = (width - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    int i = 0;
    for (const Choice& choice : choices) {
        // A reason the site's profile does not accept is shown but cannot be chosen.
        const auto& allowed = ctx.model.manualReasons;
        const bool accepted =
            allowed.empty() || std::find(allowed.begin(), allowed.end(),
                                         app::gateReasonCode(choice.reason)) != allowed.end();
        if (touchButton(ctx, choice.name, ctx.t(choice.label), ImVec2(w, 68 * s), colours::kPanel,
                        !ctx.model.gateBusy && accepted, m_reason == choice.reason)) {
            m_reason = choice.reason;
        }
        if (++i % 2 == 1) {
            ImGui::SameLine();
        }
    }
    if (ctx.ports.gate == nullptr) {
        ImGui::TextColored(ImColor(colours::kRefer), "%s", ctx.t(Str::GateUnavailable));
    } else {
        if (ctx.model.sealKeyKnown && !ctx.model.sealKey) {
            // Said before staff type: the gate records the person, but with the masked ID only
            // (the name field is dropped too), so staff can note the full ID on paper if needed.
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
            ImGui::TextColored(ImColor(colours::kRefer), "▲ %s", ctx.t(Str::NoSealKey));
            ImGui::PopTextWrapPos();
        }
        if (m_preview.valid && !m_reason) {
            ImGui::TextColored(ImColor(colours::kRefer), "%s", ctx.t(Str::PickReason));
        }
    }
}

void ManualScreen::drawKeypad(UiContext& ctx) {
    const float s = ctx.scale;
    const ImVec2 key(140 * s, 92 * s);
    static constexpr const char* kKeys[4][3] = {
        {"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"X", "0", "<"}};
    const bool enabled = !ctx.model.gateBusy;
    ImGui::PushFont(ctx.fonts.large);
    for (const auto& row : kKeys) {
        for (int c = 0; c < 3; ++c) {
            const char* k = row[c];
            const bool del = k[0] == '<';
            const std::string name = del ? std::string("key_del") : std::string("key_") + k;
            if (touchButton(ctx, name.c_str(), del ? ctx.t(Str::Delete) : k, key, colours::kNeutral,
                            enabled)) {
                press(k[0]);
                ctx.model.manualFault.reset(); // editing again: the fault has been seen
            }
            if (c < 2) {
                ImGui::SameLine();
            }
        }
    }
    // Confirm sits under the keypad, where the hand already is after the last digit.
    const bool ready =
        m_preview.valid && m_reason.has_value() && ctx.ports.gate != nullptr && !ctx.model.gateBusy;
    const char* label = ctx.model.gateBusy ? ctx.t(Str::Recording) : ctx.t(Str::Confirm);
    if (touchButton(ctx, "confirm", label,
                    ImVec2(key.x * 3 + ImGui::GetStyle().ItemSpacing.x * 2, 100 * s),
                    colours::kAdmit, ready)) {
        confirm(ctx);
    }
    ImGui::PopFont();
}

void ManualScreen::confirm(UiContext& ctx) {
    app::ManualRegistration registration;
    registration.idType = m_type;
    registration.idNumber = m_number;
    registration.name = m_name;
    registration.reason = *m_reason;
    registration.operatorName = ctx.model.operatorName;
    beginGateRequest(ctx.model, GateRequest::Manual);
    ctx.ports.gate->submitRegistration(
        std::move(registration),
        ctx.onUi<Result<app::VerdictView>>([](UiModel& m, Result<app::VerdictView> r) {
            applyVerdict(m, std::move(r), std::chrono::steady_clock::now(), GateRequest::Manual);
        }));
}

void ManualScreen::describe(nlohmann::json& state) const {
    state["id_type"] = idTypeName(m_type);
    state["id_length"] = m_number.size();
    state["id_status"] = app::idStatusName(m_preview.status);
    state["id_birth"] = m_preview.birthDate;
    state["id_sex"] = m_preview.sex == 0 ? "" : std::string(1, m_preview.sex);
    state["reason"] = m_reason ? app::manualReasonCode(*m_reason) : "";
}

} // namespace doorpost::kiosk::ui
