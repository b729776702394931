#pragma once
// Roster (exam sites): who has arrived and who has not, searchable by candidate number or name.
// The query runs on the query port's thread; the list shows what the last answer said.

#include "kiosk/ui/screen.hpp"

namespace doorpost::kiosk::ui {

class RosterScreen final : public TitledScreen {
public:
    RosterScreen() : TitledScreen(Str::RosterTitle) {}
    void onEnter(UiContext& ctx) override;
    void describe(nlohmann::json& state) const override;

protected:
    void drawBody(UiContext& ctx) override;

private:
    void load(UiContext& ctx);

    char m_search[64] = {};
    bool m_showArrived = false;
    int m_arrived = 0;
    int m_notArrived = 0;
};

} // namespace doorpost::kiosk::ui
