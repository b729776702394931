#include "kiosk/ui/staff_screen.hpp"

#include "storage/base/local_time.hpp"

#include <algorithm>
#include <cstdio>

namespace doorpost::kiosk::ui {

namespace {
// Confirming or setting the time moves the estimate: the chips are read again at once, not at
// the next periodic status read.
constexpr bool kClockMoved = true;
} // namespace

void StaffScreen::onEnter(UiContext& ctx) {
    // The sync worker is composed at start (run --central), so the address is shown, not edited.
    std::snprintf(m_address, sizeof m_address, "%s",
                  ctx.model.centralAddress.empty() ? "—" : ctx.model.centralAddress.c_str());
    ctx.model.staffNotice.reset();
    m_clockEntry.reset();
}

app::StaffDone StaffScreen::toast(UiContext& ctx, bool rereadStatus) {
    ctx.model.staffBusy = true;
    return ctx.onUi<app::StaffNotice>([rereadStatus](UiModel& m, app::StaffNotice notice) {
        m.staffBusy = false;
        if (rereadStatus && !notice.failed) {
            m.countersStale = true; // sends the status read (app.cpp) with the counters
        }
        // The arguments (paths, OS errors) may hold glyphs the atlas lacks, in either language's
        // sentence: both are noted, so a language switch while the toast is up draws it whole.
        m.noteText(formatNotice(Lang::Zh, notice));
        m.noteText(formatNotice(Lang::En, notice));
        m.staffNotice = std::move(notice);
    });
}

void StaffScreen::request(UiContext& ctx, void (app::StaffPort::*action)(app::StaffDone)) {
    if (ctx.ports.staff == nullptr) {
        ctx.model.staffNotice = app::staffFailed(app::StaffOutcome::NotAvailable);
        return;
    }
    (ctx.ports.staff->*action)(toast(ctx));
}

void StaffScreen::drawClockEntry(UiContext& ctx) {
    UiModel& m = ctx.model;
    // The clock as the last status read judged it, so staff see what they correct.
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(Str::DeviceClockRow));
    ImGui::SameLine(260 * ctx.scale);
    const bool ok = !m.clock.known || m.clock.state == "ok";
    std::string shown = m.clock.state + " " + formatLocalMinute(localMinute(m.clock.wallUnix));
    if (!ok) {
        shown += std::string(" · ") + ctx.t(Str::ClockEstimate) + " " +
                 (m.clock.floor ? "≥ " : "") + formatLocalMinute(localMinute(m.clock.estimateUnix));
    }
    ImGui::TextColored(ImColor(ok ? colours::kText : colours::kDeny), "%s", shown.c_str());
    ImGui::Spacing();

    const ClockEntry::Action action = m_clockEntry->draw(ctx, !m.staffBusy);
    if (action == ClockEntry::Action::Cancel) {
        m_clockEntry.reset();
    } else if (action == ClockEntry::Action::Set && ctx.ports.staff != nullptr) {
        const std::int64_t toMs = m_clockEntry->unixSeconds() * 1000;
        m_clockEntry.reset(); // the answer comes back as the settings' toast
        ctx.ports.staff->setClock(toMs, toast(ctx, kClockMoved));
    }
}

void StaffScreen::drawBody(UiContext& ctx) {
    const float s = ctx.scale;
    UiModel& m = ctx.model;
    if (m_clockEntry) {
        drawClockEntry(ctx);
        return;
    }
    const bool enabled = !m.staffBusy;
    // The auditor's PIN opens this screen for Export for auditors (and Lock) only.
    const bool settings = enabled && !m.auditorOnly;
    const float labelWidth = 260 * s;

    auto row = [&](Str label) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ImColor(colours::kMuted), "%s", ctx.t(label));
        ImGui::SameLine(labelWidth);
    };
    auto choices = [&](const char* prefix, const std::vector<std::string>& options,
                       const std::string& current, auto&& onPick) {
        int i = 0;
        for (const std::string& option : options) {
            const std::string name = std::string(prefix) + std::to_string(i++);
            // As wide as its label ("synthetic", "replay:DIR", "/dev/video0"), never below 160 px.
            const float width = std::max(160 * s, ImGui::CalcTextSize(option.c_str()).x + 48 * s);
            if (touchButton(ctx, name.c_str(), option.c_str(), ImVec2(width, 64 * s),
                            colours::kPanel, settings, option == current)) {
                onPick(option);
            }
            ImGui::SameLine();
        }
        if (options.empty()) {
            ImGui::TextUnformatted("—");
        } else {
            ImGui::NewLine();
        }
    };

    row(Str::CameraSource);
    choices("camera_", m.cameraChoices, m.cameraChoice, [&](const std::string& option) {
        if (ctx.ports.staff != nullptr) {
            m.cameraChoice = option;
            ctx.ports.staff->selectCamera(option, toast(ctx));
        }
    });
    row(Str::ScannerSource);
    choices("scanner_", m.scannerChoices, m.scannerChoice,
            [&](const std::string& option) { m.scannerChoice = option; });

    row(Str::SiteProfile);
    for (const bool exam : {true, false}) {
        if (touchButton(ctx, exam ? "profile_exam" : "profile_transit",
                        ctx.t(exam ? Str::ProfileExam : Str::ProfileTransit),
                        ImVec2(220 * s, 64 * s), colours::kPanel,
                        settings && ctx.ports.staff != nullptr, m.examSite == exam)) {
            // The profile changes on screen only once the kiosk has taken it.
            auto shown = toast(ctx);
            auto apply =
                ctx.onUi<app::StaffNotice>([exam](UiModel& model, app::StaffNotice notice) {
                    if (!notice.failed) {
                        model.examSite = exam;
                    }
                });
            ctx.ports.staff->setSiteProfile(exam ? "exam" : "transit",
                                            [shown, apply](app::StaffNotice notice) {
                                                apply(notice);
                                                shown(std::move(notice));
                                            });
        }
        ImGui::SameLine();
    }
    ImGui::NewLine();

    // The clock (docs/clock.md): its state, staff vouching for the kiosk's time or giving the
    // true one (the time entry, prefilled with the estimate); either is recorded as an event.
    row(Str::DeviceClockRow);
    {
        ImGui::AlignTextToFramePadding();
        const bool ok = !m.clock.known || m.clock.state == "ok";
        ImGui::TextColored(ImColor(ok ? colours::kText : colours::kDeny), "%s %s",
                           m.clock.state.c_str(), localClock(m.clock.wallUnix).c_str());
        ImGui::SameLine();
        if (touchButton(ctx, "clock_confirm", ctx.t(Str::ClockConfirm), ImVec2(260 * s, 64 * s),
                        colours::kPanel, settings && ctx.ports.staff != nullptr)) {
            ctx.ports.staff->confirmClock(toast(ctx, kClockMoved));
        }
        ImGui::SameLine();
        if (touchButton(ctx, "clock_set_open", ctx.t(Str::ClockSetOpen), ImVec2(220 * s, 64 * s),
                        colours::kPanel, settings && ctx.ports.staff != nullptr)) {
            // The best estimate when the clock is not ok, else the kiosk's own clock.
            const std::int64_t start = m.clock.known && m.clock.state != "ok"
                                           ? ctx.wallNowUnix + m.clock.offsetMs / 1000
                                           : ctx.wallNowUnix;
            m_clockEntry.emplace(start);
        }
    }

    row(Str::CentralAddress);
    ImGui::SetNextItemWidth(620 * s);
    ImGui::PushFont(ctx.fonts.large);
    ImGui::InputText("##central", m_address, sizeof m_address, ImGuiInputTextFlags_ReadOnly);
    ctx.widgets.note("central_field", ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), false);
    ImGui::PopFont();

    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.large);
    const ImVec2 big(360 * s, 96 * s);
    if (touchButton(ctx, "sync_now", ctx.t(Str::SyncNow), big, colours::kAccent, settings)) {
        request(ctx, &app::StaffPort::syncNow);
    }
    ImGui::SameLine();
    if (touchButton(ctx, "export", ctx.t(Str::ExportAudit), big, colours::kAccent, enabled)) {
        request(ctx, &app::StaffPort::exportForAuditors);
    }
    if (touchButton(ctx, "lock", ctx.t(Str::Lock), big, colours::kNeutral)) {
        m.staffUnlocked = false;
        m.screen = ScreenId::Door;
    }
    ImGui::SameLine();
    if (touchButton(ctx, "shutdown", ctx.t(Str::ShutDown), big, colours::kDeny, !m.auditorOnly)) {
        m.quitRequested = true;
    }
    ImGui::PopFont();

    if (m.staffBusy) {
        ImGui::TextColored(ImColor(colours::kRefer), "%s", ctx.t(Str::Working));
    } else if (m.staffNotice) {
        // Worded here, each frame, in the language on screen now.
        const std::string text = staffToastText(m);
        ImGui::PushStyleColor(ImGuiCol_Text,
                              m.staffNotice->failed ? colours::kDeny : colours::kText);
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
    }
}

void StaffScreen::describe(nlohmann::json& state) const {
    state["central_address"] = m_address;
    state["clock_entry"] = m_clockEntry ? formatLocalMinute(m_clockEntry->value()) : "";
}

} // namespace doorpost::kiosk::ui
