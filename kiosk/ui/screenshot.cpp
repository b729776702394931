#include "kiosk/ui/screenshot.hpp"

#include <SDL.h>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <png.h>

namespace doorpost::kiosk::ui {
namespace {

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

// libpng reports errors by longjmp; keeping it in this function with only trivially destructible
// locals between setjmp and the calls that can jump keeps that well-defined.
bool encode(std::FILE* file, int width, int height, const std::uint8_t* rgba) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (png == nullptr) {
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (info == nullptr || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info != nullptr ? &info : nullptr);
        return false;
    }
    png_init_io(png, file);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                 PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 3); // screenshots are written often in tests; speed wins
    png_write_info(png, info);
    for (int y = 0; y < height; ++y) {
        png_write_row(png,
                      rgba + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 4);
    }
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

} // namespace

Result<void> writePng(const std::string& path, int width, int height,
                      const std::vector<std::uint8_t>& rgba) {
    if (width <= 0 || height <= 0 ||
        rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
        return badInput("screenshot: bad image size");
    }
    const std::string temporary = path + ".part";
    {
        std::unique_ptr<std::FILE, FileCloser> file(std::fopen(temporary.c_str(), "wb"));
        if (!file) {
            return environmentFault("screenshot: cannot write " + path);
        }
        if (!encode(file.get(), width, height, rgba.data())) {
            file.reset();
            std::remove(temporary.c_str());
            return environmentFault("screenshot: PNG encoding failed for " + path);
        }
        if (std::fflush(file.get()) != 0) {
            file.reset();
            std::remove(temporary.c_str());
            return environmentFault("screenshot: disk full writing " + path);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::remove(temporary.c_str());
        return environmentFault("screenshot: cannot rename to " + path + ": " + ec.message());
    }
    return {};
}

Result<void> captureScreenshot(SDL_Renderer* renderer, const std::string& path) {
    int width = 0;
    int height = 0;
    if (SDL_GetRendererOutputSize(renderer, &width, &height) != 0) {
        return environmentFault(std::string("screenshot: ") + SDL_GetError());
    }
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) *
                                   static_cast<std::size_t>(height) * 4);
    // ABGR8888 is R,G,B,A in memory order on little-endian machines; RGBA32 names that portably.
    if (SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_RGBA32, rgba.data(), width * 4) !=
        0) {
        return environmentFault(std::string("screenshot: ") + SDL_GetError());
    }
    return writePng(path, width, height, rgba);
}

} // namespace doorpost::kiosk::ui
