#pragma once
// Keyboard-wedge scanners on the kiosk's own keyboard: a USB scanner that "types" what it reads
// arrives as SDL key events like any keyboard. The UI thread hands each key event here when no
// text field has focus; drivers::WedgeParser keeps only scanner-fast bursts ending in Enter/Tab,
// so staff typing on a keyboard never make a "scan". With a field focused, keys go to the field.

#include "drivers/scanner/wedge_parser.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace doorpost::kiosk::ui {

class WedgeInput {
public:
    // One SDL key event (SDL_Scancode, pressed or released, SDL's millisecond timestamp).
    // Returns the code's text when a scanner burst ends.
    std::optional<std::string> key(int sdlScancode, bool pressed, bool repeat,
                                   std::uint32_t timestampMs);

private:
    drivers::scanner::WedgeParser m_parser;
};

// Scripts and tests: pushes the SDL key events a wedge scanner types for `text`, then Enter, in
// one fast burst. False when `text` holds a character a US-layout scanner cannot type.
bool pushWedgeKeys(const std::string& text);

} // namespace doorpost::kiosk::ui
