#include "kiosk/ui/script.hpp"

#include <charconv>
#include <sstream>

namespace doorpost::kiosk::ui {
namespace {

constexpr auto kTapTimeout = std::chrono::milliseconds(3000);

bool parseNumber(const std::string& text, long long& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

Result<std::vector<ScriptStep>> parseScript(std::string_view text) {
    std::vector<ScriptStep> steps;
    std::istringstream input{std::string(text)};
    std::string raw;
    int lineNumber = 0;
    while (std::getline(input, raw)) {
        ++lineNumber;
        if (!raw.empty() && raw.back() == '\r') {
            raw.pop_back();
        }
        const auto first = raw.find_first_not_of(" \t");
        if (first == std::string::npos || raw[first] == '#') {
            continue;
        }
        std::istringstream words(raw.substr(first));
        std::string command;
        words >> command;
        std::string rest;
        std::getline(words >> std::ws, rest);
        std::istringstream restWords(rest);
        std::vector<std::string> args;
        for (std::string word; restWords >> word;) {
            args.push_back(word);
        }
        auto bad = [&](const std::string& why) {
            return badInput("script line " + std::to_string(lineNumber) + ": " + why);
        };
        ScriptStep step;
        step.line = lineNumber;
        long long a = 0;
        long long b = 0;
        if (command == "tap" && args.size() == 1) {
            step.kind = ScriptStep::Kind::Tap;
            step.arg = args[0];
        } else if (command == "tap" && args.size() == 2 && parseNumber(args[0], a) &&
                   parseNumber(args[1], b)) {
            step.kind = ScriptStep::Kind::TapAt;
            step.x = static_cast<float>(a);
            step.y = static_cast<float>(b);
        } else if (command == "type" && !rest.empty()) {
            step.kind = ScriptStep::Kind::Type;
            step.arg = rest;
        } else if ((command == "wait" || command == "frames") && args.size() == 1 &&
                   parseNumber(args[0], a) && a >= 0) {
            step.kind = command == "wait" ? ScriptStep::Kind::Wait : ScriptStep::Kind::Frames;
            step.number = a;
        } else if ((command == "wait-for" || command == "wait-for-min") &&
                   (args.size() == 2 || args.size() == 3)) {
            step.kind =
                command == "wait-for" ? ScriptStep::Kind::WaitFor : ScriptStep::Kind::WaitForMin;
            step.arg = args[0];
            step.value = args[1];
            step.number = 5000;
            if (args.size() == 3 && !parseNumber(args[2], step.number)) {
                return bad("wait-for: timeout must be milliseconds");
            }
        } else if (command == "expect" && args.size() == 2) {
            step.kind = ScriptStep::Kind::Expect;
            step.arg = args[0];
            step.value = args[1];
        } else if ((command == "expect-max" || command == "expect-min") && args.size() == 2 &&
                   parseNumber(args[1], step.number)) {
            step.kind =
                command == "expect-max" ? ScriptStep::Kind::ExpectMax : ScriptStep::Kind::ExpectMin;
            step.arg = args[0];
        } else if (command == "lang" && args.size() == 1 && (args[0] == "zh" || args[0] == "en")) {
            step.kind = ScriptStep::Kind::Lang;
            step.arg = args[0];
        } else if (command == "camera" && args.size() == 1 &&
                   (args[0] == "plug" || args[0] == "unplug")) {
            step.kind = ScriptStep::Kind::Camera;
            step.arg = args[0];
        } else if (command == "scan" && !rest.empty()) {
            step.kind = ScriptStep::Kind::Scan;
            step.arg = rest;
        } else if (command == "wedge" && !rest.empty()) {
            step.kind = ScriptStep::Kind::Wedge;
            step.arg = rest;
        } else if (command == "screenshot" && args.size() == 1) {
            step.kind = ScriptStep::Kind::Screenshot;
            step.arg = args[0];
        } else if (command == "state" && args.empty()) {
            step.kind = ScriptStep::Kind::State;
        } else {
            return bad("cannot read '" + raw.substr(first) + "'");
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

std::string ScriptRunner::stateValue(const nlohmann::json& state, const std::string& key) {
    const auto it = state.find(key);
    if (it == state.end()) {
        return "<missing>";
    }
    return it->is_string() ? it->get<std::string>() : it->dump();
}

bool ScriptRunner::fail(const ScriptStep& step, const std::string& why) {
    m_failed = true;
    m_failure = "script line " + std::to_string(step.line) + ": " + why;
    return false;
}

bool ScriptRunner::waiting() const {
    if (finished()) {
        return false;
    }
    const auto kind = m_steps[m_next].kind;
    return kind == ScriptStep::Kind::Wait || kind == ScriptStep::Kind::WaitFor ||
           kind == ScriptStep::Kind::WaitForMin || (kind == ScriptStep::Kind::Tap && m_phase == 0);
}

PointerInjection ScriptRunner::afterFrame(ScriptHost& host, SteadyTime now) {
    while (!finished()) {
        const ScriptStep& step = m_steps[m_next];
        if (m_phase == 0 && m_stepStarted == SteadyTime{}) {
            m_stepStarted = now;
        }
        bool done = true; // most steps complete within this frame
        PointerInjection pointer;
        switch (step.kind) {
        case ScriptStep::Kind::Tap:
        case ScriptStep::Kind::TapAt:
            // Phase 0: find the target; 1: press on the next frame; 2: release; 3: one more frame
            // so whatever the tap changed is drawn before the next step looks.
            if (m_phase == 0) {
                if (step.kind == ScriptStep::Kind::TapAt) {
                    m_target = WidgetRect{ImVec2(step.x, step.y), ImVec2(step.x, step.y), true};
                } else {
                    const auto rect = host.widget(step.arg);
                    if (!rect || !rect->enabled) {
                        if (now - m_stepStarted > kTapTimeout) {
                            fail(step, "tap: no enabled widget '" + step.arg + "' on screen " +
                                           stateValue(host.state(), "screen"));
                            return {};
                        }
                        return {}; // not drawn yet (a screen change, a slow answer): next frame
                    }
                    m_target = *rect;
                }
                host.countTap();
                m_phase = 1;
                const ImVec2 c = m_target.centre();
                return PointerInjection{true, c.x, c.y, true};
            }
            if (m_phase == 1) {
                m_phase = 2;
                const ImVec2 c = m_target.centre();
                return PointerInjection{true, c.x, c.y, false};
            }
            if (m_phase == 2) {
                m_phase = 3;
                return PointerInjection{true, -1e9f, -1e9f, false}; // the finger is lifted
            }
            break;
        case ScriptStep::Kind::Type:
            if (m_phase == 0) {
                host.typeText(step.arg); // delivered with the next frame's input
                m_phase = 1;
                return {};
            }
            break;
        case ScriptStep::Kind::Wait:
            done = now - m_stepStarted >= std::chrono::milliseconds(step.number);
            break;
        case ScriptStep::Kind::Frames:
            if (m_phase == 0) {
                m_framesLeft = step.number;
                m_phase = 1;
            }
            done = m_framesLeft-- <= 0;
            break;
        case ScriptStep::Kind::WaitFor:
        case ScriptStep::Kind::WaitForMin: {
            const std::string value = stateValue(host.state(), step.arg);
            long long number = 0;
            long long bound = 0;
            done = step.kind == ScriptStep::Kind::WaitFor
                       ? value == step.value
                       : parseNumber(value, number) && parseNumber(step.value, bound) &&
                             number >= bound;
            if (!done && now - m_stepStarted > std::chrono::milliseconds(step.number)) {
                fail(step, "wait-for " + step.arg + "=" + step.value + ": still " + value);
                return {};
            }
            break;
        }
        case ScriptStep::Kind::Expect: {
            const std::string value = stateValue(host.state(), step.arg);
            if (value != step.value) {
                fail(step, "expected " + step.arg + "=" + step.value + ", got " + value);
                return {};
            }
            break;
        }
        case ScriptStep::Kind::ExpectMax:
        case ScriptStep::Kind::ExpectMin: {
            long long value = 0;
            const std::string text = stateValue(host.state(), step.arg);
            const bool max = step.kind == ScriptStep::Kind::ExpectMax;
            if (!parseNumber(text, value) || (max ? value > step.number : value < step.number)) {
                fail(step, std::string("expected ") + step.arg + (max ? " <= " : " >= ") +
                               std::to_string(step.number) + ", got " + text);
                return {};
            }
            break;
        }
        case ScriptStep::Kind::Lang:
            host.setLang(step.arg == "zh" ? Lang::Zh : Lang::En);
            if (m_phase == 0) {
                m_phase = 1; // redraw in the new language before the next step
                return {};
            }
            break;
        case ScriptStep::Kind::Camera:
            if (m_phase == 0) {
                if (auto r = host.plugCamera(step.arg == "plug"); !r.ok()) {
                    fail(step, r.error().message);
                    return {};
                }
                m_phase = 1;
                return {};
            }
            break;
        case ScriptStep::Kind::Scan:
        case ScriptStep::Kind::Wedge:
            if (m_phase == 0) {
                auto r = step.kind == ScriptStep::Kind::Scan ? host.scan(step.arg)
                                                             : host.wedge(step.arg);
                if (!r.ok()) {
                    fail(step, r.error().message);
                    return {};
                }
                m_phase = 1;
                return {};
            }
            break;
        case ScriptStep::Kind::Screenshot:
            if (auto r = host.screenshot(step.arg); !r.ok()) {
                fail(step, r.error().message);
                return {};
            }
            break;
        case ScriptStep::Kind::State:
            host.print(host.state());
            break;
        }
        if (!done) {
            return pointer;
        }
        ++m_next;
        m_phase = 0;
        m_stepStarted = SteadyTime{};
    }
    return {};
}

} // namespace doorpost::kiosk::ui
