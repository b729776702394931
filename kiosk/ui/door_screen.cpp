#include "kiosk/ui/door_screen.hpp"

#include "kiosk/ui/staff_notice_text.hpp"
#include "storage/base/local_time.hpp"

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <ctime>
#include <string>

namespace doorpost::kiosk::ui {
namespace {

// "2026-12-07 08:05" local: the estimate may be on another day than the kiosk's clock.
std::string dateAndClock(std::int64_t unixSeconds) {
    const int ymd = localDateYmd(unixSeconds);
    char date[40];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d ", ymd / 10000, ymd / 100 % 100, ymd % 100);
    return date + localClock(unixSeconds);
}

ImU32 verdictColour(Verdict kind) {
    switch (kind) {
    case Verdict::Admit:
        return colours::kAdmit;
    case Verdict::Deny:
        return colours::kDeny;
    case Verdict::Refer:
        return colours::kRefer;
    case Verdict::None:
        break;
    }
    return colours::kNeutral;
}

Str verdictWord(Verdict kind) {
    switch (kind) {
    case Verdict::Admit:
        return Str::Admit;
    case Verdict::Deny:
        return Str::Deny;
    case Verdict::Refer:
    case Verdict::None: // never shown: the gate decides every request it records
        return Str::Refer;
    }
    return Str::Refer;
}

std::string formatAge(std::int64_t seconds) {
    char text[32];
    if (seconds < 3600) {
        std::snprintf(text, sizeof text, "%lldm", static_cast<long long>(seconds / 60));
    } else if (seconds < 48 * 3600) {
        std::snprintf(text, sizeof text, "%lldh", static_cast<long long>(seconds / 3600));
    } else {
        std::snprintf(text, sizeof text, "%lldd", static_cast<long long>(seconds / 86400));
    }
    return text;
}

void panel(ImVec2 min, ImVec2 max, ImU32 colour, float rounding) {
    ImGui::GetWindowDrawList()->AddRectFilled(min, max, colour, rounding);
}

// The drivers' diagnostics hints, in the language on screen.
const char* hintText(UiContext& ctx, const std::string& hint) {
    if (hint == "too dark") {
        return ctx.t(Str::HintTooDark);
    }
    if (hint == "too bright or glare") {
        return ctx.t(Str::HintTooBright);
    }
    if (hint == "lens dirty or out of focus") {
        return ctx.t(Str::HintBlurry);
    }
    if (hint == "decoder failing on many frames") {
        return ctx.t(Str::HintDecoderFailing);
    }
    return hint.c_str();
}

} // namespace

void drawVerdictIcon(ImDrawList* draw, ImVec2 c, float r, Verdict kind, ImU32 ink) {
    const float w = r * 0.16f;
    draw->AddCircle(c, r, ink, 48, w);
    switch (kind) {
    case Verdict::Admit:
        draw->AddLine(ImVec2(c.x - r * 0.45f, c.y + r * 0.02f),
                      ImVec2(c.x - r * 0.12f, c.y + r * 0.35f), ink, w);
        draw->AddLine(ImVec2(c.x - r * 0.12f, c.y + r * 0.35f),
                      ImVec2(c.x + r * 0.5f, c.y - r * 0.35f), ink, w);
        break;
    case Verdict::Deny:
        draw->AddLine(ImVec2(c.x - r * 0.4f, c.y - r * 0.4f),
                      ImVec2(c.x + r * 0.4f, c.y + r * 0.4f), ink, w);
        draw->AddLine(ImVec2(c.x + r * 0.4f, c.y - r * 0.4f),
                      ImVec2(c.x - r * 0.4f, c.y + r * 0.4f), ink, w);
        break;
    case Verdict::Refer:
        draw->AddLine(ImVec2(c.x, c.y - r * 0.5f), ImVec2(c.x, c.y + r * 0.15f), ink, w);
        draw->AddCircleFilled(ImVec2(c.x, c.y + r * 0.42f), w * 0.75f, ink);
        break;
    case Verdict::None:
        break;
    }
}

void drawFaultPanel(UiContext& ctx, ImVec2 size, const GateFault& fault) {
    const float s = ctx.scale;
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 max(min.x + size.x, min.y + size.y);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, colours::kPanel, 16.0f * s);
    draw->AddRect(min, max, colours::kDeny, 16.0f * s, 0, 6.0f * s);
    const float radius = std::min(64.0f * s, size.y * 0.3f);
    drawVerdictIcon(draw, ImVec2(min.x + 24.0f * s + radius, min.y + 20.0f * s + radius), radius,
                    Verdict::Refer, colours::kDeny);
    const float x = min.x + radius * 2 + 48.0f * s;
    const float wrap = max.x - x - 24.0f * s;
    float y = min.y + 20.0f * s;
    ImFont* big = size.y > 200.0f * s ? ctx.fonts.huge : ctx.fonts.large;
    draw->AddText(big, big->FontSize, ImVec2(x, y), colours::kDeny, ctx.t(Str::NotRecorded));
    y += big->FontSize + 8.0f * s;
    // What to do first (in the kiosk's language), then the gate's own words for the operator.
    const bool config = fault.origin == ErrorOrigin::TrustData;
    const char* hint = fault.kind == ErrorKind::BadInput ? ctx.t(Str::FaultInput)
                       : config                          ? ctx.t(Str::FaultConfig)
                                                         : ctx.t(Str::FaultStorage);
    for (const char* text : {hint, fault.message.c_str()}) {
        if (y >= max.y - ctx.fonts.body->FontSize) {
            break;
        }
        draw->AddText(ctx.fonts.body, ctx.fonts.body->FontSize, ImVec2(x, y),
                      text == hint ? colours::kText : colours::kMuted, text, nullptr, wrap);
        y += ctx.fonts.body->CalcTextSizeA(ctx.fonts.body->FontSize, 10000.0f, wrap, text).y +
             6.0f * s;
    }
    ImGui::Dummy(size);
}

void DoorScreen::drawContent(UiContext& ctx) {
    drawChips(ctx);
    const float s = ctx.scale;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float bottomHeight = 170.0f * s;
    const float middleHeight = std::max(200.0f, avail.y - bottomHeight);
    const float previewWidth = std::min(avail.x * 0.42f, middleHeight * 4.0f / 3.0f);

    drawPreview(ctx, ImVec2(previewWidth, middleHeight));
    ImGui::SameLine();
    const ImVec2 right(ImGui::GetContentRegionAvail().x, middleHeight);
    if (ctx.model.verdict) {
        drawVerdict(ctx, right);
    } else if (ctx.model.readFault && !ctx.model.gateBusy) {
        drawFaultPanel(ctx, right, *ctx.model.readFault);
    } else {
        drawReady(ctx, right);
    }
    drawCountersAndActions(ctx);
}

void DoorScreen::drawChips(UiContext& ctx) {
    const UiModel& m = ctx.model;
    auto deviceChip = [&](const char* name, Str label, const DeviceChip& chip) {
        switch (chip.state) {
        case app::DeviceState::Ok:
            statusChip(ctx, name, ctx.t(label), ctx.t(Str::ChipOk), colours::kAdmit, "●");
            break;
        case app::DeviceState::Starting:
            statusChip(ctx, name, ctx.t(label), ctx.t(Str::ChipStarting), colours::kRefer, "▲");
            break;
        case app::DeviceState::Offline:
            statusChip(ctx, name, ctx.t(label), ctx.t(Str::ChipOffline), colours::kDeny, "×");
            break;
        case app::DeviceState::Missing:
            statusChip(ctx, name, ctx.t(label), ctx.t(Str::ChipMissing), colours::kNeutral, "○");
            break;
        }
        ImGui::SameLine();
    };
    deviceChip("camera", Str::Camera, m.camera);
    deviceChip("scanner", Str::Scanner, m.scanner);

    if (!m.central.known) {
        statusChip(ctx, "central", ctx.t(Str::Central), ctx.t(Str::ChipUnknown), colours::kNeutral,
                   "○");
    } else {
        std::string value = ctx.t(m.central.online ? Str::ChipOnline : Str::ChipOffline);
        value += " · " + std::to_string(m.central.eventsWaiting) + " " + ctx.t(Str::ChipWaiting);
        if (m.central.lastSyncUnix > 0) {
            value += " · " + localClock(m.central.lastSyncUnix);
        }
        statusChip(ctx, "central", ctx.t(Str::Central), value,
                   m.central.online ? colours::kAdmit : colours::kRefer,
                   m.central.online ? "●" : "▲");
    }
    ImGui::SameLine();
    switch (m.trust.state) {
    case TrustState::Unknown:
        statusChip(ctx, "trust", ctx.t(Str::TrustData), ctx.t(Str::ChipUnknown), colours::kNeutral,
                   "○");
        break;
    case TrustState::Fresh:
        statusChip(ctx, "trust", ctx.t(Str::TrustData), formatAge(m.trust.ageSeconds),
                   colours::kAdmit, "●");
        break;
    case TrustState::Stale:
        statusChip(ctx, "trust", ctx.t(Str::TrustData),
                   std::string(ctx.t(Str::ChipStale)) + " " + formatAge(m.trust.ageSeconds),
                   colours::kRefer, "▲");
        break;
    case TrustState::Expired:
        statusChip(ctx, "trust", ctx.t(Str::TrustData),
                   std::string(ctx.t(Str::ChipExpired)) + " " + formatAge(m.trust.ageSeconds),
                   colours::kDeny, "×");
        break;
    }
    ImGui::SameLine();
    // The clock chip appears only when the clock is not ok: red, the kiosk's time and the
    // estimate ("≥" when it is only a floor), so staff know why time checks refer to them.
    if (m.clock.known && m.clock.state != "ok") {
        statusChip(ctx, "clock", ctx.t(Str::DeviceClock),
                   localClock(m.clock.wallUnix) + " · " + ctx.t(Str::ClockEstimate) + " " +
                       (m.clock.floor ? "≥ " : "") + dateAndClock(m.clock.estimateUnix),
                   colours::kDeny, "×");
        ImGui::SameLine();
    }
    ImGui::SetCursorPosX(
        std::max(ImGui::GetCursorPosX(), ImGui::GetWindowWidth() - 330.0f * ctx.scale));
    ImGui::PushFont(ctx.fonts.large);
    ImGui::TextUnformatted(localClock(ctx.wallNowUnix).c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    languageButton(ctx, ImVec2(180.0f * ctx.scale, 56.0f * ctx.scale));
}

void DoorScreen::drawPreview(UiContext& ctx, ImVec2 size) {
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 max(min.x + size.x, min.y + size.y);
    panel(min, max, colours::kPanel, 12.0f * ctx.scale);
    const auto& frame = ctx.model.preview;
    if (frame && ctx.previewTexture != nullptr && ctx.model.camera.state == app::DeviceState::Ok) {
        // Letterbox the frame into the panel, keeping its aspect ratio.
        const float k = std::min(size.x / static_cast<float>(frame->width),
                                 size.y / static_cast<float>(frame->height));
        const ImVec2 drawSize(frame->width * k, frame->height * k);
        const ImVec2 origin(min.x + (size.x - drawSize.x) * 0.5f,
                            min.y + (size.y - drawSize.y) * 0.5f);
        ImDrawList* draw = ImGui::GetWindowDrawList();
        draw->AddImage(ctx.previewTexture, origin,
                       ImVec2(origin.x + drawSize.x, origin.y + drawSize.y));
        if (frame->outline.size() == 8) {
            ImVec2 points[4];
            for (int i = 0; i < 4; ++i) {
                points[i] =
                    ImVec2(origin.x + frame->outline[static_cast<std::size_t>(2 * i)] * k,
                           origin.y + frame->outline[static_cast<std::size_t>(2 * i + 1)] * k);
            }
            draw->AddPolyline(points, 4, IM_COL32(0x3C, 0xE0, 0x6C, 0xFF), ImDrawFlags_Closed,
                              5.0f * ctx.scale);
        }
        // The camera's own diagnosis, for staff walking past: why reads may be failing.
        float y = origin.y + drawSize.y - 8.0f * ctx.scale;
        for (const std::string& hint : ctx.model.camera.hints) {
            const char* text = hintText(ctx, hint);
            const ImVec2 textSize =
                ctx.fonts.body->CalcTextSizeA(ctx.fonts.body->FontSize, FLT_MAX, 0.0f, text);
            y -= textSize.y + 8.0f * ctx.scale;
            const ImVec2 at(origin.x + 12.0f * ctx.scale, y);
            draw->AddRectFilled(
                ImVec2(at.x - 6.0f * ctx.scale, at.y - 4.0f * ctx.scale),
                ImVec2(at.x + textSize.x + 6.0f * ctx.scale, at.y + textSize.y + 4.0f * ctx.scale),
                IM_COL32(0xE0, 0x9A, 0x1C, 0xE0), 6.0f * ctx.scale);
            draw->AddText(ctx.fonts.body, ctx.fonts.body->FontSize, at,
                          IM_COL32(0x14, 0x1A, 0x22, 0xFF), text);
        }
    } else {
        const char* text = ctx.model.camera.state == app::DeviceState::Offline
                               ? ctx.t(Str::ChipOffline)
                               : ctx.t(Str::ChipMissing);
        const std::string line = std::string(ctx.t(Str::Camera)) + ": " + text;
        ImGui::GetWindowDrawList()->AddText(
            ctx.fonts.large, ctx.fonts.large->FontSize,
            ImVec2(min.x + 24.0f * ctx.scale, min.y + size.y * 0.45f), colours::kMuted,
            line.c_str());
    }
    ImGui::Dummy(size);
}

void DoorScreen::drawVerdict(UiContext& ctx, ImVec2 size) {
    const ShownVerdict& shown = *ctx.model.verdict;
    const app::VerdictView& v = shown.view;
    const float s = ctx.scale;
    const ImU32 fill = verdictColour(v.kind);
    const ImU32 ink = v.kind == Verdict::Refer ? colours::kDarkText : colours::kText;
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 max(min.x + size.x, min.y + size.y);
    panel(min, max, fill, 16.0f * s);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float radius = 64.0f * s;
    drawVerdictIcon(draw, ImVec2(min.x + 40.0f * s + radius, min.y + 40.0f * s + radius), radius,
                    v.kind, ink);
    const char* word = ctx.t(verdictWord(v.kind));
    ImFont* wordFont = ctx.fonts.huge;
    float wordSize = wordFont->FontSize;
    const float wordRoom = size.x - (radius * 2 + 100.0f * s);
    const float wordWidth = wordFont->CalcTextSizeA(wordSize, 10000.0f, 0.0f, word).x;
    if (wordWidth > wordRoom) {
        wordSize *= wordRoom / wordWidth;
    }
    draw->AddText(
        wordFont, wordSize,
        ImVec2(min.x + radius * 2 + 70.0f * s, min.y + 40.0f * s + radius - wordSize * 0.5f), ink,
        word);

    // Reason and, at an exam site, who this is: masked ID, name, room and seat.
    float y = min.y + 40.0f * s + radius * 2 + 30.0f * s;
    const float x = min.x + 40.0f * s;
    const float wrap = size.x - 80.0f * s;
    auto line = [&](ImFont* font, const std::string& text) {
        if (text.empty()) {
            return;
        }
        draw->AddText(font, font->FontSize, ImVec2(x, y), ink, text.c_str(), nullptr, wrap);
        y += font->CalcTextSizeA(font->FontSize, 10000.0f, wrap, text.c_str()).y + 10.0f * s;
    };
    line(ctx.fonts.large, pick(ctx.lang(), v.reasonZh, v.reasonEn));
    if (v.alreadyAdmittedAt) {
        // The gate says when and where; the time of day is this screen's local time.
        line(ctx.fonts.body, fillArgs(ctx.t(Str::AlreadyAdmittedAt),
                                      {localClock(*v.alreadyAdmittedAt), v.alreadyAdmittedDoor}));
    }
    if (!v.name.empty()) {
        line(ctx.fonts.large, std::string(ctx.t(Str::Name)) + "  " + v.name);
    }
    if (!v.maskedId.empty()) {
        std::string idLine = std::string(ctx.t(Str::MaskedId)) + "  " + v.maskedId;
        // A registration without the central's sealing key: said on the ID line itself (a line
        // of its own would push room and seat off an exam site's panel).
        if (std::find(v.reasonCodes.begin(), v.reasonCodes.end(), "id_not_sealed") !=
            v.reasonCodes.end()) {
            idLine += std::string("  · ") + ctx.t(Str::MaskedOnlyRecord);
        }
        line(ctx.fonts.body, idLine);
    }
    if (!v.candidateNumber.empty()) {
        line(ctx.fonts.body, std::string(ctx.t(Str::CandidateNumber)) + "  " + v.candidateNumber);
    }
    if (!v.room.empty() || !v.seat.empty()) {
        line(ctx.fonts.large, std::string(ctx.t(Str::Room)) + " " + v.room + "   " +
                                  ctx.t(Str::Seat) + " " + v.seat);
    }
    // Time left before the door is ready again, as a shrinking bar.
    const float elapsed = std::chrono::duration<float>(ctx.now - shown.shownAt).count();
    const float left = std::clamp(
        1.0f - elapsed / std::chrono::duration<float>(kVerdictShowTime).count(), 0.0f, 1.0f);
    draw->AddRectFilled(ImVec2(min.x, max.y - 10.0f * s), ImVec2(min.x + size.x * left, max.y), ink,
                        4.0f * s);
    ImGui::Dummy(size);
}

void DoorScreen::drawReady(UiContext& ctx, ImVec2 size) {
    const float s = ctx.scale;
    const ImVec2 min = ImGui::GetCursorScreenPos();
    panel(min, ImVec2(min.x + size.x, min.y + size.y), colours::kPanel, 16.0f * s);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    auto centred = [&](ImFont* font, const char* text, float y, ImU32 colour) {
        const float width = font->CalcTextSizeA(font->FontSize, 10000.0f, 0.0f, text).x;
        draw->AddText(font, font->FontSize, ImVec2(min.x + (size.x - width) * 0.5f, min.y + y),
                      colour, text);
    };
    centred(ctx.fonts.large, ctx.t(Str::Ready), size.y * 0.30f, colours::kText);
    centred(ctx.fonts.body, ctx.t(Str::ReadyHint), size.y * 0.30f + 70.0f * s, colours::kMuted);
    if (ctx.model.gateBusy) {
        centred(ctx.fonts.body, ctx.t(Str::Recording), size.y * 0.62f, colours::kRefer);
    } else if (ctx.ports.gate == nullptr) {
        centred(ctx.fonts.body, ctx.t(Str::GateUnavailable), size.y * 0.62f, colours::kRefer);
    }
    ImGui::Dummy(size);
}

void DoorScreen::drawCountersAndActions(UiContext& ctx) {
    const float s = ctx.scale;
    const app::TodayCounters& c = ctx.model.today;
    ImGui::PushFont(ctx.fonts.body);
    char counters[256];
    std::snprintf(counters, sizeof counters, "%s   %s %d   %s %d   %s %d   %s %d",
                  ctx.t(Str::Today), ctx.t(Str::CountAdmitted), c.admitted, ctx.t(Str::CountDenied),
                  c.denied, ctx.t(Str::CountReferred), c.referred, ctx.t(Str::CountManual),
                  c.manual);
    ImGui::TextUnformatted(counters);
    if (!ctx.model.countersReadError.empty() || !ctx.model.statusReadError.empty()) {
        // The counters and chips above may be behind: the last read of them failed.
        ImGui::SameLine(0.0f, 24.0f * s);
        ImGui::TextColored(ImColor(colours::kRefer), "▲ %s", ctx.t(Str::CountsNotRead));
    }
    const RosterChip& roster = ctx.model.rosterChip;
    if (ctx.model.examSite && roster.known) {
        // The roster the gate checks candidates against: how many, and whether it still counts.
        std::string text = std::string(ctx.t(Str::Roster)) + "  ";
        ImU32 colour = colours::kMuted;
        if (!roster.loaded) {
            text += std::string("▲ ") + ctx.t(Str::ChipRosterNone);
            colour = colours::kRefer;
        } else if (roster.expired) {
            text += std::to_string(roster.count) + "  × " + ctx.t(Str::ChipExpired);
            colour = colours::kDeny;
        } else {
            text += std::to_string(roster.count);
        }
        ImGui::SameLine(0.0f, 40.0f * s);
        ImGui::TextColored(ImColor(colour), "%s", text.c_str());
    }
    const PeersChip& peers = ctx.model.peers;
    if (peers.shown) {
        // The doors of this site: how many answer of those the central named, and how old the
        // stalest data from them is. Amber when one is silent: a ticket used there may be
        // caught late (the central catches it once it is back). Here rather than among the
        // chips above, whose row is full at 1280 px.
        const bool all = peers.known > 0 && peers.reachable == peers.known;
        std::string text = std::string(ctx.t(Str::PeerDoors)) + "  " + (all ? "" : "▲ ") +
                           std::to_string(peers.reachable) + "/" + std::to_string(peers.known);
        if (peers.oldestAgeSeconds >= 0) {
            text +=
                " · " + (peers.oldestAgeSeconds < 60 ? std::to_string(peers.oldestAgeSeconds) + "s"
                                                     : formatAge(peers.oldestAgeSeconds));
        }
        ImGui::SameLine(0.0f, 40.0f * s);
        ImGui::TextColored(ImColor(peers.known == 0 ? colours::kMuted
                                   : all            ? colours::kAdmit
                                                    : colours::kRefer),
                           "%s", text.c_str());
    }
    ImGui::PopFont();

    ImGui::PushFont(ctx.fonts.large);
    const float h = 96.0f * s;
    if (touchButton(ctx, "manual", ctx.t(Str::Manual), ImVec2(420.0f * s, h), colours::kAccent)) {
        ctx.model.screen = ScreenId::Manual;
    }
    ImGui::SameLine();
    if (ctx.model.examSite) {
        if (touchButton(ctx, "roster", ctx.t(Str::Roster), ImVec2(230.0f * s, h))) {
            ctx.model.screen = ScreenId::Roster;
        }
        ImGui::SameLine();
    }
    if (touchButton(ctx, "stats", ctx.t(Str::Statistics), ImVec2(230.0f * s, h))) {
        ctx.model.screen = ScreenId::Stats;
    }
    ImGui::SameLine();
    if (touchButton(ctx, "staff", ctx.t(Str::Staff), ImVec2(230.0f * s, h))) {
        ctx.model.screen = ctx.model.staffUnlocked ? ScreenId::Staff : ScreenId::Pin;
    }
    ImGui::PopFont();
}

} // namespace doorpost::kiosk::ui
