#include "png_reader.hpp"

#include <cstdlib>
#include <png.h>

namespace doorpost::kiosk::ui::test {

bool readPng(const std::string& path, Image& out) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
        return false;
    }
    image.format = PNG_FORMAT_RGBA;
    out.width = static_cast<int>(image.width);
    out.height = static_cast<int>(image.height);
    out.rgba.resize(PNG_IMAGE_SIZE(image));
    const bool ok = png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr) != 0;
    png_image_free(&image);
    return ok;
}

int countColour(const Image& image, int r, int g, int b, int tolerance) {
    int count = 0;
    for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
        if (std::abs(image.rgba[i] - r) <= tolerance &&
            std::abs(image.rgba[i + 1] - g) <= tolerance &&
            std::abs(image.rgba[i + 2] - b) <= tolerance) {
            ++count;
        }
    }
    return count;
}

} // namespace doorpost::kiosk::ui::test
