#pragma once
// Loads PNG and JPEG files as luma (the replay source, `doorpost decode`, the tests and benches).
// Colour is turned into luma with the same integer weights ZXing-C++ uses (0.299 R + 0.587 G +
// 0.114 B), so a file decodes here exactly as it would in ZXing's own sample runner.

#include "drivers/camera/frame.hpp"
#include "storage/base/driver_error.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace doorpost::drivers::camera {

DriverResult<LumaImage> loadLumaImage(const std::string& path);

// Writes luma as an 8-bit grey PNG (test corpora, debugging a camera's view).
DriverStatus saveLumaPng(const LumaView& view, const std::string& path);

// Decodes an in-memory JPEG (an MJPEG camera frame) to luma into `out`, reusing its buffer.
DriverStatus decodeJpegToLuma(std::span<const std::uint8_t> jpeg, LumaImage& out);

} // namespace doorpost::drivers::camera
