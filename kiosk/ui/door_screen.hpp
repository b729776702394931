#pragma once
// The door: camera preview with the read outlined, the verdict panel (colour field, icon and
// words, never colour alone), status chips and today's counters, and one tap to everything else.

#include "kiosk/ui/screen.hpp"

#include <chrono>

namespace doorpost::kiosk::ui {

// How long a verdict stays before the door is ready for the next person.
constexpr std::chrono::milliseconds kVerdictShowTime{4000};

class DoorScreen final : public Screen {
protected:
    void drawContent(UiContext& ctx) override;

private:
    void drawChips(UiContext& ctx);
    void drawPreview(UiContext& ctx, ImVec2 size);
    void drawVerdict(UiContext& ctx, ImVec2 size);
    void drawReady(UiContext& ctx, ImVec2 size);
    void drawCountersAndActions(UiContext& ctx);
};

// A request the gate could not record: a dark panel with a red border, the refer icon, the words
// NOT RECORDED, the gate's message and what staff should do. Used by the door and manual screens.
void drawFaultPanel(UiContext& ctx, ImVec2 size, const GateFault& fault);

// The verdict's icon drawn as shapes (a tick, a cross, an exclamation), independent of fonts.
void drawVerdictIcon(ImDrawList* draw, ImVec2 centre, float radius, Verdict kind, ImU32 ink);

} // namespace doorpost::kiosk::ui
