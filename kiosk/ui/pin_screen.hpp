#pragma once
// The PIN pad in front of the staff screen. The check runs off the UI thread (argon2id); the pad
// is disabled while it runs and while locked out.

#include "kiosk/ui/screen.hpp"

#include <string>

namespace doorpost::kiosk::ui {

class PinScreen final : public TitledScreen {
public:
    PinScreen() : TitledScreen(Str::Staff) {}
    void onEnter(UiContext& ctx) override;
    void describe(nlohmann::json& state) const override;

protected:
    void drawBody(UiContext& ctx) override;

private:
    void submit(UiContext& ctx);

    std::string m_pin;
    bool m_wrong = false;
    bool m_locked = false;
    bool m_checking = false;
};

} // namespace doorpost::kiosk::ui
