#include "sync/central/cli/qr_png.hpp"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <cstdio>
#include <memory>
#include <png.h>
#include <vector>

namespace doorpost::sync::central::cli {

Result<void> writeQrPng(std::string_view text, const std::string& path, int moduleSize) {
    ZXing::BitMatrix matrix;
    try {
        // Alphanumeric text (Base45) fits ECC level M comfortably; level 4 of 0..8 is "M".
        matrix = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                     .setMargin(0)
                     .setEccLevel(4)
                     .encode(std::string(text), 0, 0);
    } catch (const std::exception& error) {
        return badInput(std::string("qr: cannot encode: ") + error.what());
    }
    constexpr int kQuiet = 4;
    const int modules = matrix.width();
    const int size = (modules + 2 * kQuiet) * moduleSize;
    std::vector<png_byte> image(static_cast<std::size_t>(size) * static_cast<std::size_t>(size),
                                255);
    for (int y = 0; y < modules; ++y)
        for (int x = 0; x < modules; ++x)
            if (matrix.get(x, y))
                for (int dy = 0; dy < moduleSize; ++dy)
                    for (int dx = 0; dx < moduleSize; ++dx)
                        image[static_cast<std::size_t>(((y + kQuiet) * moduleSize + dy) * size +
                                                       (x + kQuiet) * moduleSize + dx)] = 0;

    const std::string temporary = path + ".tmp";
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(temporary.c_str(), "wb"), std::fclose);
    if (!file)
        return environmentFault("out: cannot write " + path);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        return environmentFault("png: out of memory");
    }
    // libpng reports errors by longjmp; nothing with a destructor is created past this point.
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return environmentFault("png: cannot write " + path);
    }
    png_init_io(png, file.get());
    png_set_IHDR(png, info, static_cast<png_uint_32>(size), static_cast<png_uint_32>(size), 8,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < size; ++y)
        png_write_row(png,
                      image.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(size));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    if (std::fflush(file.get()) != 0)
        return environmentFault("out: cannot write " + path);
    file.reset();
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        return environmentFault("out: cannot rename to " + path);
    return {};
}

} // namespace doorpost::sync::central::cli
