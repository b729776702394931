#include "sync/pass/zlib_codec.hpp"

#include <cassert>
#include <string>
#include <zlib.h>

namespace doorpost::sync::pass {

std::vector<std::uint8_t> deflateZlib(std::span<const std::uint8_t> bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::vector<std::uint8_t> out(size);
    const int rc = compress2(out.data(), &size, bytes.data(), static_cast<uLong>(bytes.size()),
                             Z_BEST_COMPRESSION);
    assert(rc == Z_OK); // only fails on out-of-memory or a too-small buffer, both bugs here
    (void)rc;
    out.resize(size);
    return out;
}

Result<std::vector<std::uint8_t>> inflateZlib(std::span<const std::uint8_t> bytes,
                                              std::size_t maxOutput) {
    if (bytes.empty())
        return badInput("zlib: empty input");
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        return environmentFault("zlib: inflateInit failed");
    std::vector<std::uint8_t> out;
    std::uint8_t chunk[4096];
    stream.next_in = const_cast<Bytef*>(bytes.data()); // zlib's API is not const-correct
    stream.avail_in = static_cast<uInt>(bytes.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = chunk;
        stream.avail_out = sizeof chunk;
        rc = inflate(&stream, Z_NO_FLUSH);
        const std::size_t produced = sizeof chunk - stream.avail_out;
        if (out.size() + produced > maxOutput) {
            inflateEnd(&stream);
            return badInput("zlib: inflated size exceeds " + std::to_string(maxOutput) + " bytes");
        }
        out.insert(out.end(), chunk, chunk + produced);
        if (rc == Z_BUF_ERROR && stream.avail_in == 0)
            break; // truncated input
    }
    const bool trailing = stream.avail_in != 0;
    const std::string zmsg = stream.msg ? stream.msg : "";
    inflateEnd(&stream);
    if (rc != Z_STREAM_END)
        return badInput("zlib: " + (zmsg.empty() ? std::string("stream incomplete") : zmsg));
    if (trailing)
        return badInput("zlib: data after the end of the stream");
    return out;
}

} // namespace doorpost::sync::pass
