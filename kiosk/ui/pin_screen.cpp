#include "kiosk/ui/pin_screen.hpp"

#include "kiosk/app/staff_auth.hpp"

#include <chrono>
#include <cstdio>

namespace doorpost::kiosk::ui {

void PinScreen::onEnter(UiContext& ctx) {
    (void)ctx;
    m_pin.clear();
    m_wrong = false;
}

void PinScreen::drawBody(UiContext& ctx) {
    const float s = ctx.scale;
    app::StaffAuth& auth = ctx.auth;
    m_locked = auth.lockout().locked(ctx.now);
    m_checking = auth.checking();
    const bool enabled = auth.hasPin() && !m_locked && !m_checking;

    const float padWidth = 3 * 150 * s + 2 * ImGui::GetStyle().ItemSpacing.x;
    const float x = (ImGui::GetWindowWidth() - padWidth) * 0.5f;
    ImGui::SetCursorPosX(x);
    ImGui::PushFont(ctx.fonts.large);
    ImGui::TextUnformatted(ctx.t(Str::PinTitle));
    // The PIN shows as dots; its length only.
    std::string dots;
    for (std::size_t i = 0; i < m_pin.size(); ++i) {
        dots += "● ";
    }
    ImGui::SetCursorPosX(x);
    ImGui::TextUnformatted(dots.empty() ? " " : dots.c_str());
    ImGui::PopFont();

    ImGui::SetCursorPosX(x);
    if (!auth.hasPin()) {
        ImGui::TextColored(ImColor(colours::kRefer), "%s", ctx.t(Str::PinNotSet));
    } else if (m_locked) {
        const auto left =
            std::chrono::ceil<std::chrono::seconds>(auth.lockout().lockedUntil() - ctx.now);
        ImGui::TextColored(ImColor(colours::kDeny), "× %s (%lld %s)", ctx.t(Str::PinLocked),
                           static_cast<long long>(left.count()), ctx.t(Str::Seconds));
    } else if (m_checking) {
        ImGui::TextColored(ImColor(colours::kRefer), "%s", ctx.t(Str::PinChecking));
    } else if (m_wrong) {
        ImGui::TextColored(ImColor(colours::kDeny), "× %s", ctx.t(Str::PinWrong));
    } else {
        ImGui::NewLine();
    }

    static constexpr const char* kKeys[4][3] = {
        {"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"<", "0", "OK"}};
    ImGui::PushFont(ctx.fonts.large);
    for (const auto& row : kKeys) {
        ImGui::SetCursorPosX(x);
        for (int c = 0; c < 3; ++c) {
            const std::string key = row[c];
            const std::string name = key == "<" ? "pin_del" : key == "OK" ? "pin_ok" : "pin_" + key;
            const char* label = key == "<"    ? ctx.t(Str::Delete)
                                : key == "OK" ? ctx.t(Str::Ok)
                                              : key.c_str();
            const ImU32 colour = key == "OK" ? colours::kAccent : colours::kNeutral;
            const bool keyEnabled = enabled && (key != "OK" || m_pin.size() >= 4);
            if (touchButton(ctx, name.c_str(), label, ImVec2(150 * s, 96 * s), colour,
                            keyEnabled)) {
                m_wrong = false;
                if (key == "<") {
                    if (!m_pin.empty()) {
                        m_pin.pop_back();
                    }
                } else if (key == "OK") {
                    submit(ctx);
                } else if (m_pin.size() < 12) {
                    m_pin += key;
                }
            }
            if (c < 2) {
                ImGui::SameLine();
            }
        }
    }
    ImGui::PopFont();
}

void PinScreen::submit(UiContext& ctx) {
    app::StaffAuth* auth = &ctx.auth;
    bool* wrong = &m_wrong;
    // The check's answer comes on the auth worker thread; the lockout and the screen change are
    // applied on the UI thread through the queue. The screen and the auth outlive the queue.
    auto done = ctx.onUi<app::PinRole>([auth, wrong](UiModel& m, app::PinRole role) {
        const bool ok = role != app::PinRole::None;
        auth->finish(ok, std::chrono::steady_clock::now());
        *wrong = !ok;
        if (ok) {
            m.staffUnlocked = true;
            m.auditorOnly = role == app::PinRole::Auditor;
            m.screen = ScreenId::Staff;
        }
    });
    if (auth->startRoleCheck(m_pin, std::move(done))) {
        m_pin.clear();
    }
}

void PinScreen::describe(nlohmann::json& state) const {
    state["pin_length"] = m_pin.size();
    state["pin_state"] = m_locked     ? "locked"
                         : m_checking ? "checking"
                         : m_wrong    ? "wrong"
                                      : "entry";
}

} // namespace doorpost::kiosk::ui
