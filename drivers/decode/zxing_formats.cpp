#include "drivers/decode/zxing_formats.hpp"

#include <array>
#include <utility>

namespace doorpost::drivers::decode {
namespace {

using ZXing::BarcodeFormat;

constexpr std::array<std::pair<CodeFormat, BarcodeFormat>, 14> kPairs{{
    {CodeFormat::QRCode, BarcodeFormat::QRCode},
    {CodeFormat::MicroQRCode, BarcodeFormat::MicroQRCode},
    {CodeFormat::PDF417, BarcodeFormat::PDF417},
    {CodeFormat::DataMatrix, BarcodeFormat::DataMatrix},
    {CodeFormat::Aztec, BarcodeFormat::Aztec},
    {CodeFormat::Code128, BarcodeFormat::Code128},
    {CodeFormat::Code39, BarcodeFormat::Code39},
    {CodeFormat::Code93, BarcodeFormat::Code93},
    {CodeFormat::EAN13, BarcodeFormat::EAN13},
    {CodeFormat::EAN8, BarcodeFormat::EAN8},
    {CodeFormat::UPCA, BarcodeFormat::UPCA},
    {CodeFormat::UPCE, BarcodeFormat::UPCE},
    {CodeFormat::ITF, BarcodeFormat::ITF},
    {CodeFormat::Codabar, BarcodeFormat::Codabar},
}};

} // namespace

BarcodeFormat toZxing(CodeFormat format) {
    for (const auto& [ours, theirs] : kPairs) {
        if (ours == format) {
            return theirs;
        }
    }
    return BarcodeFormat::None;
}

CodeFormat fromZxing(BarcodeFormat format) {
    for (const auto& [ours, theirs] : kPairs) {
        if (theirs == format) {
            return ours;
        }
    }
    return CodeFormat::None;
}

ZXing::BarcodeFormats toZxing(const std::vector<CodeFormat>& formats) {
    ZXing::BarcodeFormats result;
    for (const auto format : formats) {
        result |= toZxing(format);
    }
    return result;
}

} // namespace doorpost::drivers::decode
