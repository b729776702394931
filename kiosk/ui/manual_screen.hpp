#pragma once
// Manual registration: ID type, a big keypad (0-9, X, delete, clear), live validation of what is
// typed, an optional name through the system input method, a reason, confirm -> verdict.
// A resident ID takes 21 taps from the door: 1 + 18 digits + reason + confirm.

#include "kiosk/app/id_preview.hpp"
#include "kiosk/ui/screen.hpp"

#include <optional>
#include <string>

namespace doorpost::kiosk::ui {

class ManualScreen final : public TitledScreen {
public:
    ManualScreen() : TitledScreen(Str::Manual) {}
    void onEnter(UiContext& ctx) override;
    void describe(nlohmann::json& state) const override;

protected:
    void drawBody(UiContext& ctx) override;

private:
    void drawIdTypes(UiContext& ctx);
    void drawEntry(UiContext& ctx, float width);
    void drawName(UiContext& ctx, float width);
    void drawKeypad(UiContext& ctx);
    void drawReasons(UiContext& ctx, float width);
    void confirm(UiContext& ctx);
    void press(char key);
    void followPrepared(UiContext& ctx);

    IdType m_type = IdType::Resident;
    std::string m_number;
    char m_name[96] = {};
    char m_numberText[40] = {}; // for types typed with letters (passport, permit, other)
    std::optional<app::ManualReason> m_reason;
    app::IdPreview m_preview;
    // What the gate was last asked to prepare ("" none), with its type: a change re-asks.
    std::string m_prepared;
    IdType m_preparedType = IdType::Resident;
};

} // namespace doorpost::kiosk::ui
