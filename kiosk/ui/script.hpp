#pragma once
// UI scripts: taps and waits by widget name or position, typed text, screenshots and checks, so
// the kiosk is tested the way a person uses it. One command per line; '#' starts a comment.
//
//   tap NAME | tap X Y        press and release (waits up to 3 s for NAME to be shown and enabled)
//   type TEXT                 text into the focused field (as the input method would deliver it)
//   wait MS | frames N        let time or frames pass
//   wait-for KEY VALUE [MS]   until state KEY equals VALUE (default 5000 ms)
//   wait-for-min KEY N [MS]   until state KEY is a number >= N
//   expect KEY VALUE          state KEY equals VALUE, else the script fails
//   expect-max KEY N | expect-min KEY N
//   lang zh|en                switch the language
//   camera unplug|plug        pull the camera out / put it back (sources that support it)
//   scan TEXT                 a code read as a scanner delivers it (goes to the gate)
//   wedge TEXT                TEXT then Enter typed as key events in a keyboard-wedge burst
//                             (to the gate, unless a text field has focus)
//   screenshot FILE.png       the frame as drawn
//   state                     print the state as one JSON line

#include "kiosk/ui/strings.hpp"
#include "kiosk/ui/ui_model.hpp"
#include "kiosk/ui/widgets.hpp"
#include "storage/base/result.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::ui {

struct ScriptStep {
    enum class Kind {
        Tap,
        TapAt,
        Type,
        Wait,
        Frames,
        WaitFor,
        WaitForMin,
        Expect,
        ExpectMax,
        ExpectMin,
        Lang,
        Camera,
        Scan,
        Wedge,
        Screenshot,
        State
    };
    Kind kind = Kind::State;
    std::string arg;   // widget name, text, file, key, language, camera action
    std::string value; // expected value
    float x = 0;
    float y = 0;
    long long number = 0; // ms, frames, bound
    int line = 0;
};

Result<std::vector<ScriptStep>> parseScript(std::string_view text);

// What a script needs from the app it drives.
class ScriptHost {
public:
    virtual ~ScriptHost() = default;
    virtual std::optional<WidgetRect> widget(std::string_view name) = 0;
    virtual nlohmann::json state() = 0;
    virtual Result<void> screenshot(const std::string& path) = 0;
    virtual void setLang(Lang lang) = 0;
    virtual Result<void> plugCamera(bool plugged) = 0;
    virtual Result<void> scan(const std::string& text) = 0;
    virtual Result<void> wedge(const std::string& text) = 0;
    virtual void typeText(const std::string& text) = 0;
    virtual void countTap() = 0;
    virtual void print(const nlohmann::json& line) = 0;
};

// The pointer as the script holds it for the next frame.
struct PointerInjection {
    bool active = false; // false: leave the real pointer alone
    float x = -1e9f;
    float y = -1e9f;
    bool down = false;
};

class ScriptRunner {
public:
    explicit ScriptRunner(std::vector<ScriptStep> steps) : m_steps(std::move(steps)) {}

    // Called after each frame is drawn (before it is presented): runs steps until one needs more
    // frames, and returns the pointer for the next frame.
    PointerInjection afterFrame(ScriptHost& host, SteadyTime now);

    bool finished() const { return m_failed || m_next >= m_steps.size(); }
    bool failed() const { return m_failed; }
    bool waiting() const; // the current step is waiting on time or another thread
    const std::string& failure() const { return m_failure; }

private:
    bool fail(const ScriptStep& step, const std::string& why);
    static std::string stateValue(const nlohmann::json& state, const std::string& key);

    std::vector<ScriptStep> m_steps;
    std::size_t m_next = 0;
    int m_phase = 0; // progress inside the current step
    SteadyTime m_stepStarted{};
    long long m_framesLeft = 0;
    WidgetRect m_target{};
    bool m_failed = false;
    std::string m_failure;
};

} // namespace doorpost::kiosk::ui
