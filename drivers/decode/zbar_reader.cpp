#include "drivers/decode/zbar_reader.hpp"

#include <zbar.h>

namespace doorpost::drivers::decode {
namespace {

constexpr int kMinLinearLength = 4;

zbar::zbar_symbol_type_t toZbar(CodeFormat format) {
    switch (format) {
    case CodeFormat::QRCode:
        return zbar::ZBAR_QRCODE;
    case CodeFormat::Code128:
        return zbar::ZBAR_CODE128;
    case CodeFormat::Code39:
        return zbar::ZBAR_CODE39;
    case CodeFormat::Code93:
        return zbar::ZBAR_CODE93;
    case CodeFormat::EAN13:
        return zbar::ZBAR_EAN13;
    case CodeFormat::EAN8:
        return zbar::ZBAR_EAN8;
    case CodeFormat::UPCA:
        return zbar::ZBAR_UPCA;
    case CodeFormat::UPCE:
        return zbar::ZBAR_UPCE;
    case CodeFormat::ITF:
        return zbar::ZBAR_I25;
    case CodeFormat::Codabar:
        return zbar::ZBAR_CODABAR;
    default:
        return zbar::ZBAR_NONE; // no DataMatrix/Aztec; zbar's PDF417 is incomplete
    }
}

CodeFormat fromZbar(zbar::zbar_symbol_type_t type) {
    for (const auto format : allCodeFormats()) {
        if (toZbar(format) == type) {
            return format;
        }
    }
    return CodeFormat::None;
}

zbar::zbar_image_scanner_t* scannerOf(void* scanner) {
    return static_cast<zbar::zbar_image_scanner_t*>(scanner);
}

} // namespace

ZbarReader::ZbarReader(const std::vector<CodeFormat>& formats) {
    auto* scanner = zbar::zbar_image_scanner_create();
    m_scanner = scanner;
    zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
    for (const auto format : formats.empty() ? allCodeFormats() : formats) {
        const auto type = toZbar(format);
        if (type != zbar::ZBAR_NONE) {
            zbar::zbar_image_scanner_set_config(scanner, type, zbar::ZBAR_CFG_ENABLE, 1);
            // zbar's linear readers accept one- and two-character reads of noise (a "T" as
            // Code39 from a photo of a wall); a door credential is never that short.
            if (type != zbar::ZBAR_QRCODE) {
                zbar::zbar_image_scanner_set_config(scanner, type, zbar::ZBAR_CFG_MIN_LEN,
                                                    kMinLinearLength);
            }
            m_enabled = true;
        }
    }
}

ZbarReader::~ZbarReader() {
    zbar::zbar_image_scanner_destroy(scannerOf(m_scanner));
}

std::optional<CodeRead> ZbarReader::read(const camera::LumaView& frame) {
    if (!m_enabled || frame.empty() || !frame.contiguous()) {
        return std::nullopt;
    }
    zbar::zbar_image_t* image = zbar::zbar_image_create();
    zbar::zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar::zbar_image_set_size(image, static_cast<unsigned>(frame.width()),
                              static_cast<unsigned>(frame.height()));
    zbar::zbar_image_set_data(image, frame.data(),
                              static_cast<unsigned long>(frame.width()) *
                                  static_cast<unsigned long>(frame.height()),
                              nullptr);
    std::optional<CodeRead> result;
    if (zbar::zbar_scan_image(scannerOf(m_scanner), image) > 0) {
        for (const zbar::zbar_symbol_t* symbol = zbar::zbar_image_first_symbol(image);
             symbol != nullptr; symbol = zbar::zbar_symbol_next(symbol)) {
            CodeRead read;
            read.format = fromZbar(zbar::zbar_symbol_get_type(symbol));
            if (read.format == CodeFormat::None) {
                continue;
            }
            const char* data = zbar::zbar_symbol_get_data(symbol);
            const unsigned length = zbar::zbar_symbol_get_data_length(symbol);
            read.text.assign(data, length);
            read.bytes.assign(data, data + length);
            read.stage = DecodeStage::Zbar;
            result = std::move(read);
            break;
        }
    }
    zbar::zbar_image_destroy(image);
    return result;
}

} // namespace doorpost::drivers::decode
