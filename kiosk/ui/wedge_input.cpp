#include "kiosk/ui/wedge_input.hpp"

#include <SDL.h>
#include <array>
#include <linux/input-event-codes.h>
#include <utility>

namespace doorpost::kiosk::ui {
namespace {

// SDL scancodes (USB HID usages) of the keys a scanner types, and their Linux key codes (what
// WedgeParser understands, as it reads /dev/input elsewhere).
constexpr std::array<std::pair<int, std::uint16_t>, 51> kKeys = {{
    {SDL_SCANCODE_A, KEY_A},
    {SDL_SCANCODE_B, KEY_B},
    {SDL_SCANCODE_C, KEY_C},
    {SDL_SCANCODE_D, KEY_D},
    {SDL_SCANCODE_E, KEY_E},
    {SDL_SCANCODE_F, KEY_F},
    {SDL_SCANCODE_G, KEY_G},
    {SDL_SCANCODE_H, KEY_H},
    {SDL_SCANCODE_I, KEY_I},
    {SDL_SCANCODE_J, KEY_J},
    {SDL_SCANCODE_K, KEY_K},
    {SDL_SCANCODE_L, KEY_L},
    {SDL_SCANCODE_M, KEY_M},
    {SDL_SCANCODE_N, KEY_N},
    {SDL_SCANCODE_O, KEY_O},
    {SDL_SCANCODE_P, KEY_P},
    {SDL_SCANCODE_Q, KEY_Q},
    {SDL_SCANCODE_R, KEY_R},
    {SDL_SCANCODE_S, KEY_S},
    {SDL_SCANCODE_T, KEY_T},
    {SDL_SCANCODE_U, KEY_U},
    {SDL_SCANCODE_V, KEY_V},
    {SDL_SCANCODE_W, KEY_W},
    {SDL_SCANCODE_X, KEY_X},
    {SDL_SCANCODE_Y, KEY_Y},
    {SDL_SCANCODE_Z, KEY_Z},
    {SDL_SCANCODE_1, KEY_1},
    {SDL_SCANCODE_2, KEY_2},
    {SDL_SCANCODE_3, KEY_3},
    {SDL_SCANCODE_4, KEY_4},
    {SDL_SCANCODE_5, KEY_5},
    {SDL_SCANCODE_6, KEY_6},
    {SDL_SCANCODE_7, KEY_7},
    {SDL_SCANCODE_8, KEY_8},
    {SDL_SCANCODE_9, KEY_9},
    {SDL_SCANCODE_0, KEY_0},
    {SDL_SCANCODE_RETURN, KEY_ENTER},
    {SDL_SCANCODE_KP_ENTER, KEY_KPENTER},
    {SDL_SCANCODE_TAB, KEY_TAB},
    {SDL_SCANCODE_LSHIFT, KEY_LEFTSHIFT},
    {SDL_SCANCODE_RSHIFT, KEY_RIGHTSHIFT},
    {SDL_SCANCODE_SPACE, KEY_SPACE},
    {SDL_SCANCODE_MINUS, KEY_MINUS},
    {SDL_SCANCODE_EQUALS, KEY_EQUAL},
    {SDL_SCANCODE_SEMICOLON, KEY_SEMICOLON},
    {SDL_SCANCODE_APOSTROPHE, KEY_APOSTROPHE},
    {SDL_SCANCODE_GRAVE, KEY_GRAVE},
    {SDL_SCANCODE_COMMA, KEY_COMMA},
    {SDL_SCANCODE_PERIOD, KEY_DOT},
    {SDL_SCANCODE_SLASH, KEY_SLASH},
    {SDL_SCANCODE_BACKSLASH, KEY_BACKSLASH},
}};

std::optional<std::uint16_t> linuxCode(int scancode) {
    for (const auto& [sdl, code] : kKeys) {
        if (sdl == scancode) {
            return code;
        }
    }
    return std::nullopt;
}

bool pushKey(int scancode, bool pressed, std::uint32_t timestamp) {
    SDL_Event event{};
    event.type = pressed ? SDL_KEYDOWN : SDL_KEYUP;
    event.key.timestamp = timestamp;
    event.key.state = pressed ? SDL_PRESSED : SDL_RELEASED;
    event.key.keysym.scancode = static_cast<SDL_Scancode>(scancode);
    event.key.keysym.sym = SDL_GetKeyFromScancode(static_cast<SDL_Scancode>(scancode));
    return SDL_PushEvent(&event) == 1;
}

} // namespace

std::optional<std::string> WedgeInput::key(int sdlScancode, bool pressed, bool repeat,
                                           std::uint32_t timestampMs) {
    const auto code = linuxCode(sdlScancode);
    if (!code) {
        return std::nullopt;
    }
    drivers::scanner::KeyEvent event;
    event.time = std::chrono::milliseconds(timestampMs);
    event.code = *code;
    event.value = !pressed ? 0 : repeat ? 2 : 1;
    auto read = m_parser.feed(event);
    if (!read) {
        return std::nullopt;
    }
    return std::move(read->text);
}

bool pushWedgeKeys(const std::string& text) {
    const std::uint32_t now = SDL_GetTicks();
    for (char c : text) {
        // The key (and shift) a US-layout scanner presses for this character.
        std::optional<std::pair<int, bool>> found;
        for (const auto& [sdl, code] : kKeys) {
            for (bool shift : {false, true}) {
                if (!found && drivers::scanner::keyToChar(code, shift) == c) {
                    found = std::pair{sdl, shift};
                }
            }
        }
        if (!found) {
            return false;
        }
        if (found->second) {
            pushKey(SDL_SCANCODE_LSHIFT, true, now);
        }
        pushKey(found->first, true, now);
        pushKey(found->first, false, now);
        if (found->second) {
            pushKey(SDL_SCANCODE_LSHIFT, false, now);
        }
    }
    pushKey(SDL_SCANCODE_RETURN, true, now);
    return pushKey(SDL_SCANCODE_RETURN, false, now);
}

} // namespace doorpost::kiosk::ui
