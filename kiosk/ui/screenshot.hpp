#pragma once
// PNG screenshots of what the renderer drew (libpng). Used by --screenshot, scripts and tests.

#include "storage/base/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

struct SDL_Renderer;

namespace doorpost::kiosk::ui {

// Writes 8-bit RGBA rows; the file appears whole or not at all (written aside, then renamed).
Result<void> writePng(const std::string& path, int width, int height,
                      const std::vector<std::uint8_t>& rgba);

// Reads the current render target back and writes it. Call after drawing, before presenting.
Result<void> captureScreenshot(SDL_Renderer* renderer, const std::string& path);

} // namespace doorpost::kiosk::ui
