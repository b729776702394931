#pragma once
// UiContext: what a screen receives each frame. Screens draw from the model and submit commands
// to the ports; they never do the work themselves (no SQLite, no network, no decoding here).

#include "kiosk/app/ports.hpp"
#include "kiosk/ui/fonts.hpp"
#include "kiosk/ui/ui_model.hpp"
#include "kiosk/ui/ui_queue.hpp"
#include "kiosk/ui/widgets.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <imgui.h>
#include <memory>
#include <utility>

namespace doorpost::kiosk::ui {}
namespace doorpost::kiosk::app {
class StaffAuth;
}
namespace doorpost::kiosk::ui {

struct UiPorts {
    app::GatePort* gate = nullptr;   // null: the door still shows and manual entry says unavailable
    app::QueryPort* query = nullptr; // null: counters, statistics and roster say "no data"
    app::StaffPort* staff = nullptr; // null: sync and export say "not available"
};

struct UiContext {
    UiModel& model;
    UiQueue& queue;
    std::shared_ptr<UiQueue> sharedQueue; // what callbacks keep: they may run after the app is gone
    UiPorts ports;
    Fonts& fonts;
    WidgetRegistry& widgets;
    app::StaffAuth& auth;
    SteadyTime now;
    std::int64_t wallNowUnix = 0;
    ImTextureID previewTexture = nullptr;
    float scale = 1.0f; // 1.0 at 1280x800

    Lang lang() const { return model.lang; }
    const char* t(Str id) const { return tr(model.lang, id); }

    // Wraps a port callback: the port calls it on its own thread; the body runs later on the UI
    // thread, inside UiQueue::drain, where touching the model is allowed.
    template <typename T> std::function<void(T)> onUi(std::function<void(UiModel&, T)> body) const {
        return [target = sharedQueue, body = std::move(body)](T value) {
            target->post([body, value = std::move(value)](UiModel& m) mutable {
                body(m, std::move(value));
            });
        };
    }
};

} // namespace doorpost::kiosk::ui
