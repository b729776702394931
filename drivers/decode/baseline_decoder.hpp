#pragma once
// Plain ZXing-C++ with its default options (tryHarder, tryRotate, tryDownscale, every format):
// the baseline every decode benchmark compares Doorpost's pipeline against in the same run.
// In-process and unprotected, like an application that just calls the library.

#include "drivers/decode/frame_decoder.hpp"

#include <optional>

namespace doorpost::drivers::decode {

std::optional<CodeRead> decodeBaseline(const camera::LumaView& frame);

} // namespace doorpost::drivers::decode
