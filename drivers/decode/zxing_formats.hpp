#pragma once
// Internal to drivers/: maps Doorpost's CodeFormat onto ZXing-C++'s enums. Only .cpp files of
// drivers/ include this, so ZXing stays out of the folder's public headers.

#define ZX_USE_UTF8 1
#include "drivers/decode/code_format.hpp"

#include <ZXing/BarcodeFormat.h>
#include <vector>

namespace doorpost::drivers::decode {

ZXing::BarcodeFormat toZxing(CodeFormat format);
CodeFormat fromZxing(ZXing::BarcodeFormat format);
// An empty list means every format.
ZXing::BarcodeFormats toZxing(const std::vector<CodeFormat>& formats);

} // namespace doorpost::drivers::decode
