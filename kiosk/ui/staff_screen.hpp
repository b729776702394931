#pragma once
// Staff settings, reached through the PIN pad: camera and scanner, site profile, the device
// clock (confirm it, or set the time), central address, sync now, export for auditors, lock,
// shut down. Every action is a request to a port;
// its button is disabled until the answer comes back as a one-line toast.

#include "kiosk/ui/clock_entry.hpp"
#include "kiosk/ui/screen.hpp"

#include <optional>

namespace doorpost::kiosk::ui {

class StaffScreen final : public TitledScreen {
public:
    StaffScreen() : TitledScreen(Str::StaffSettings) {}
    void onEnter(UiContext& ctx) override;
    void describe(nlohmann::json& state) const override;

protected:
    void drawBody(UiContext& ctx) override;

private:
    void request(UiContext& ctx, void (app::StaffPort::*action)(app::StaffDone));
    // The answer as a toast; with rereadStatus, a success also sends the status read at once.
    app::StaffDone toast(UiContext& ctx, bool rereadStatus = false);
    void drawClockEntry(UiContext& ctx);

    // Set when staff opened the time entry: the body shows it instead of the settings.
    std::optional<ClockEntry> m_clockEntry;

    char m_address[128] = {};
};

} // namespace doorpost::kiosk::ui
