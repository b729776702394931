#pragma once
// Reads back the kiosk's screenshots in tests (libpng), to check what a person would see.

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::kiosk::ui::test {

struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;
};

bool readPng(const std::string& path, Image& out);

// Pixels within `tolerance` per channel of (r, g, b).
int countColour(const Image& image, int r, int g, int b, int tolerance = 6);

} // namespace doorpost::kiosk::ui::test
