#pragma once
// Screen: one per file. The base owns the full-screen window and the touch padding; a screen
// draws its content from the model and submits commands, nothing more.

#include "kiosk/ui/ui_context.hpp"

#include <nlohmann/json.hpp>

namespace doorpost::kiosk::ui {

class Screen {
public:
    virtual ~Screen() = default;

    void draw(UiContext& ctx); // not virtual: every screen gets the same window and padding

    // Called on the frame the screen becomes current (load data, reset entry).
    virtual void onEnter(UiContext& ctx) { (void)ctx; }

    // Adds screen-specific state for scripts and tests (`state` lines), e.g. the ID check.
    virtual void describe(nlohmann::json& state) const { (void)state; }

protected:
    virtual void drawContent(UiContext& ctx) = 0;
};

// Every screen but the door sits under the same top bar (Back, its title, the language switch);
// the base draws it, the screen draws what is below.
class TitledScreen : public Screen {
protected:
    explicit TitledScreen(Str title) : m_title(title) {}
    void drawContent(UiContext& ctx) final;
    virtual void drawBody(UiContext& ctx) = 0;

private:
    Str m_title;
};

} // namespace doorpost::kiosk::ui
