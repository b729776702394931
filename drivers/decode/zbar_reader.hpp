#pragma once
// libzbar as a fallback reader (drivers/ internal). It reads some low-contrast and noisy linear
// codes and QR codes ZXing-C++ 1.4 misses. Kept in its own file: zbar's C++ headers do not
// compile beside ZXing's.

#include "drivers/camera/frame.hpp"
#include "drivers/decode/code_format.hpp"
#include "drivers/decode/frame_decoder.hpp"

#include <optional>
#include <vector>

namespace doorpost::drivers::decode {

class ZbarReader {
public:
    explicit ZbarReader(const std::vector<CodeFormat>& formats); // empty: every format zbar has
    ~ZbarReader();
    ZbarReader(const ZbarReader&) = delete;
    ZbarReader& operator=(const ZbarReader&) = delete;

    // False when none of the asked formats is one zbar reads (DataMatrix, Aztec, PDF417).
    bool enabled() const { return m_enabled; }
    // `frame` must be contiguous (stride == width).
    std::optional<CodeRead> read(const camera::LumaView& frame);

private:
    void* m_scanner = nullptr; // zbar_image_scanner_t
    bool m_enabled = false;
};

} // namespace doorpost::drivers::decode
