#pragma once
// Statistics: admitted, denied and registered by hand per 10 minutes today, as a bar chart with
// a legend in words (the colours are never the only key: each series also has its own hatch).

#include "kiosk/ui/screen.hpp"

namespace doorpost::kiosk::ui {

class StatsScreen final : public TitledScreen {
public:
    StatsScreen() : TitledScreen(Str::StatsTitle) {}
    void onEnter(UiContext& ctx) override;
    void describe(nlohmann::json& state) const override;

protected:
    void drawBody(UiContext& ctx) override;

private:
    int m_total = 0;
};

} // namespace doorpost::kiosk::ui
