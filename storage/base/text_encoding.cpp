#include "storage/base/text_encoding.hpp"

#include "storage/base/utf8.hpp"

#include <algorithm>
#include <cerrno>
#include <iconv.h>

namespace doorpost {
namespace {

int lineAt(std::string_view bytes, std::size_t offset) {
    return 1 + static_cast<int>(
                   std::count(bytes.begin(), bytes.begin() + static_cast<long>(offset), '\n'));
}

Error notText(std::string_view bytes, std::size_t offset) {
    return badInput("line " + std::to_string(lineAt(bytes, offset)) +
                    ": neither UTF-8 nor GB18030 text (save the file as UTF-8 CSV)");
}

// The offset of the first byte that does not start a well-formed UTF-8 sequence, or npos.
std::size_t firstInvalidUtf8(std::string_view text) {
    std::size_t offset = 0;
    while (offset < text.size()) {
        const std::size_t length = utf8SequenceLength(text.substr(offset));
        if (length == 0)
            return offset;
        offset += length;
    }
    return std::string_view::npos;
}

// GB18030 to UTF-8 through iconv; on an invalid or cut-off sequence, the offset where it is.
Result<std::string> fromGb18030(std::string_view bytes) {
    iconv_t cd = ::iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1))
        return environmentFault("text: this system's iconv has no GB18030 converter");
    std::string out(bytes.size() * 2 + 16, '\0'); // each 2-byte GB character becomes 3 bytes
    char* in = const_cast<char*>(bytes.data());   // iconv's API is not const-correct; it only reads
    std::size_t inLeft = bytes.size();
    char* dst = out.data();
    std::size_t outLeft = out.size();
    Result<std::string> result = std::string();
    while (inLeft > 0) {
        if (::iconv(cd, &in, &inLeft, &dst, &outLeft) != static_cast<std::size_t>(-1))
            continue;
        if (errno == E2BIG) { // cannot happen with the size above; grow anyway
            const std::size_t used = out.size() - outLeft;
            out.resize(out.size() * 2);
            dst = out.data() + used;
            outLeft = out.size() - used;
            continue;
        }
        result = notText(bytes, static_cast<std::size_t>(in - bytes.data()));
        break;
    }
    ::iconv_close(cd);
    if (!result)
        return result;
    out.resize(out.size() - outLeft);
    return out;
}

} // namespace

const char* textEncodingName(TextEncoding encoding) {
    return encoding == TextEncoding::Gb18030 ? "gb18030" : "utf-8";
}

Result<DecodedText> decodeTextFile(std::string_view bytes) {
    if (const auto nul = bytes.find('\0'); nul != std::string_view::npos)
        return notText(bytes, nul);
    std::string_view body = bytes;
    if (body.substr(0, 3) == "\xEF\xBB\xBF")
        body.remove_prefix(3);
    const std::size_t invalid = firstInvalidUtf8(body);
    if (invalid == std::string_view::npos)
        return DecodedText{std::string(body), TextEncoding::Utf8};
    if (body.size() < bytes.size()) // a UTF-8 BOM, then bytes that are not UTF-8
        return notText(bytes, invalid + 3);
    auto converted = fromGb18030(bytes);
    if (!converted)
        return converted.error();
    // iconv's output is UTF-8 by construction; checked anyway, since it is stored as such.
    if (firstInvalidUtf8(*converted) != std::string_view::npos)
        return notText(bytes, invalid);
    return DecodedText{std::move(*converted), TextEncoding::Gb18030};
}

} // namespace doorpost
