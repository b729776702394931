#pragma once
// Renders text as a QR code PNG (ZXing's writer for the symbol, libpng for the file), for
// passes the central issues and for tests and demos that need real images.

#include "storage/base/result.hpp"

#include <string>
#include <string_view>

namespace doorpost::sync::central::cli {

// `moduleSize` pixels per module, a 4-module quiet zone, 8-bit greyscale.
Result<void> writeQrPng(std::string_view text, const std::string& path, int moduleSize = 6);

} // namespace doorpost::sync::central::cli
