#include "drivers/decode/code_format.hpp"

#include <array>
#include <utility>

namespace doorpost::drivers::decode {
namespace {

constexpr std::array<std::pair<CodeFormat, const char*>, 14> kNames{{
    {CodeFormat::QRCode, "qr"},
    {CodeFormat::MicroQRCode, "microqr"},
    {CodeFormat::PDF417, "pdf417"},
    {CodeFormat::DataMatrix, "datamatrix"},
    {CodeFormat::Aztec, "aztec"},
    {CodeFormat::Code128, "code128"},
    {CodeFormat::Code39, "code39"},
    {CodeFormat::Code93, "code93"},
    {CodeFormat::EAN13, "ean13"},
    {CodeFormat::EAN8, "ean8"},
    {CodeFormat::UPCA, "upca"},
    {CodeFormat::UPCE, "upce"},
    {CodeFormat::ITF, "itf"},
    {CodeFormat::Codabar, "codabar"},
}};

} // namespace

const char* toString(CodeFormat format) {
    for (const auto& [value, name] : kNames) {
        if (value == format) {
            return name;
        }
    }
    return "none";
}

std::optional<CodeFormat> codeFormatFromString(std::string_view name) {
    if (name == "qrcode") {
        return CodeFormat::QRCode;
    }
    for (const auto& [value, known] : kNames) {
        if (name == known) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::vector<CodeFormat>> parseCodeFormats(std::string_view list,
                                                        std::string* badName) {
    std::vector<CodeFormat> formats;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        const auto format = codeFormatFromString(item);
        if (!format) {
            if (badName != nullptr) {
                *badName = std::string(item);
            }
            return std::nullopt;
        }
        formats.push_back(*format);
    }
    return formats;
}

std::vector<CodeFormat> allCodeFormats() {
    std::vector<CodeFormat> all;
    for (const auto& entry : kNames) {
        all.push_back(entry.first);
    }
    return all;
}

} // namespace doorpost::drivers::decode
