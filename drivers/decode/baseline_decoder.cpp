#include "drivers/decode/baseline_decoder.hpp"

#include "drivers/decode/zxing_formats.hpp"

#include <ZXing/ReadBarcode.h>

namespace doorpost::drivers::decode {

std::optional<CodeRead> decodeBaseline(const camera::LumaView& frame) {
    if (frame.empty()) {
        return std::nullopt;
    }
    try {
        // ReadBarcode (one symbol), not ReadBarcodes: the latter's default symbol limit aborts
        // Debian's 1.4.0 on some images, which would end the benchmark, not measure it.
        const ZXing::Result result =
            ZXing::ReadBarcode({frame.data(), frame.width(), frame.height(),
                                ZXing::ImageFormat::Lum, frame.stride(), frame.pixelStride()});
        if (!result.isValid()) {
            return std::nullopt;
        }
        CodeRead read;
        read.format = fromZxing(result.format());
        read.text = result.text();
        read.bytes.assign(result.bytes().begin(), result.bytes().end());
        read.binary = result.contentType() == ZXing::ContentType::Binary;
        return read;
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace doorpost::drivers::decode
