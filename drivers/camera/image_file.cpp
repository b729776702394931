#include "drivers/camera/image_file.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <memory>
#include <png.h>
#include <turbojpeg.h>
#include <vector>

namespace doorpost::drivers::camera {
namespace {

std::uint8_t rgbToLuma(unsigned r, unsigned g, unsigned b) {
    return static_cast<std::uint8_t>((306 * r + 601 * g + 117 * b + 0x200) >> 10);
}

void rgbToLumaImage(const std::uint8_t* rgb, int channels, LumaImage& out) {
    for (int y = 0; y < out.height(); ++y) {
        std::uint8_t* row = out.row(y);
        const std::uint8_t* in = rgb + static_cast<std::size_t>(y) * out.width() * channels;
        for (int x = 0; x < out.width(); ++x, in += channels) {
            row[x] = rgbToLuma(in[0], in[1], in[2]);
        }
    }
}

DriverResult<LumaImage> loadPng(const std::string& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
        return DriverError{DriverErrorKind::BadInput,
                           path + ": not a readable PNG: " + image.message};
    }
    if (image.width == 0 || image.height == 0 || image.width > 16384 || image.height > 16384) {
        png_image_free(&image);
        return DriverError{DriverErrorKind::BadInput, path + ": PNG size out of range"};
    }
    // RGBA with alpha ignored, as ZXing's sample runner loads files.
    image.format = PNG_FORMAT_RGBA;
    std::vector<std::uint8_t> rgba(PNG_IMAGE_SIZE(image));
    if (png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr) == 0) {
        const std::string message = image.message;
        png_image_free(&image);
        return DriverError{DriverErrorKind::BadInput, path + ": corrupt PNG: " + message};
    }
    LumaImage out(static_cast<int>(image.width), static_cast<int>(image.height));
    rgbToLumaImage(rgba.data(), 4, out);
    return out;
}

struct TjDeleter {
    void operator()(void* handle) const { tjDestroy(handle); }
};

DriverStatus decodeJpeg(std::span<const std::uint8_t> jpeg, LumaImage& out, bool gray) {
    std::unique_ptr<void, TjDeleter> handle(tjInitDecompress());
    if (!handle) {
        return DriverError{DriverErrorKind::Device, "libjpeg-turbo could not start"};
    }
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()),
                            &width, &height, &subsampling, &colorspace) != 0) {
        return DriverError{DriverErrorKind::BadInput,
                           std::string("not a readable JPEG: ") + tjGetErrorStr2(handle.get())};
    }
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
        return DriverError{DriverErrorKind::BadInput, "JPEG size out of range"};
    }
    if (out.width() != width || out.height() != height) {
        out = LumaImage(width, height);
    }
    if (gray) {
        // Camera frames: the JPEG's own Y channel is luma already, no colour conversion needed.
        if (tjDecompress2(handle.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()),
                          out.row(0), width, width, height, TJPF_GRAY, TJFLAG_FASTDCT) != 0) {
            return DriverError{DriverErrorKind::BadInput,
                               std::string("corrupt JPEG: ") + tjGetErrorStr2(handle.get())};
        }
        return Done{};
    }
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
    if (tjDecompress2(handle.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()),
                      rgb.data(), width, width * 3, height, TJPF_RGB, 0) != 0) {
        return DriverError{DriverErrorKind::BadInput,
                           std::string("corrupt JPEG: ") + tjGetErrorStr2(handle.get())};
    }
    rgbToLumaImage(rgb.data(), 3, out);
    return Done{};
}

} // namespace

DriverStatus saveLumaPng(const LumaView& view, const std::string& path) {
    if (view.empty()) {
        return DriverError{DriverErrorKind::BadInput, "empty image"};
    }
    const LumaImage contiguous = copyOf(view);
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(view.width());
    image.height = static_cast<png_uint_32>(view.height());
    image.format = PNG_FORMAT_GRAY;
    if (png_image_write_to_file(&image, path.c_str(), 0, contiguous.pixels().data(), 0, nullptr) ==
        0) {
        return DriverError{DriverErrorKind::Device, path + ": cannot write PNG: " + image.message};
    }
    return Done{};
}

DriverStatus decodeJpegToLuma(std::span<const std::uint8_t> jpeg, LumaImage& out) {
    return decodeJpeg(jpeg, out, true);
}

DriverResult<LumaImage> loadLumaImage(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return DriverError{DriverErrorKind::NotFound, path + ": cannot open"};
    }
    std::vector<std::uint8_t> head(8);
    file.read(reinterpret_cast<char*>(head.data()), 8);
    if (file.gcount() >= 8 && png_sig_cmp(head.data(), 0, 8) == 0) {
        return loadPng(path);
    }
    if (file.gcount() >= 2 && head[0] == 0xFF && head[1] == 0xD8) {
        file.clear();
        file.seekg(0);
        const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                              std::istreambuf_iterator<char>());
        LumaImage out;
        auto status = decodeJpeg(bytes, out, false);
        if (!status) {
            return DriverError{status.error().kind, path + ": " + status.error().message};
        }
        return out;
    }
    return DriverError{DriverErrorKind::BadInput, path + ": neither PNG nor JPEG"};
}

} // namespace doorpost::drivers::camera
