#pragma once
// The symbologies a site profile can ask for, independent of any decoder library's own enums.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace doorpost::drivers::decode {

enum class CodeFormat : std::uint8_t {
    None,
    QRCode,
    MicroQRCode,
    PDF417,
    DataMatrix,
    Aztec,
    Code128,
    Code39,
    Code93,
    EAN13,
    EAN8,
    UPCA,
    UPCE,
    ITF,
    Codabar,
};

// "qr", "pdf417", "datamatrix", "code128", ... (lower case, as on the command line).
const char* toString(CodeFormat format);
std::optional<CodeFormat> codeFormatFromString(std::string_view name);

// Parses "qr,pdf417,code128". Returns nullopt and names the bad entry in `badName` if one is
// unknown. An empty list means "every format".
std::optional<std::vector<CodeFormat>> parseCodeFormats(std::string_view list,
                                                        std::string* badName = nullptr);

// Every format the decoder knows, for help texts.
std::vector<CodeFormat> allCodeFormats();

} // namespace doorpost::drivers::decode
