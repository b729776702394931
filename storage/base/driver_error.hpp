#pragma once
// Expected failures of devices and decoders (drivers/), as values: finer kinds than Error's,
// because the capture loop acts on them (an unplugged camera is reopened, a crashed decoder
// costs one frame). The kiosk maps them onto Error where it needs an exit code (toError).

#include "storage/base/result.hpp"

#include <string>

namespace doorpost {

enum class DriverErrorKind {
    BadInput,    // the caller's data is wrong: an unreadable image file, an invalid view
    NotFound,    // no such file or device
    Unsupported, // the device or file offers nothing we can use (pixel format, codec)
    Unplugged,   // the device went away (ENODEV); it may come back
    Timeout,     // nothing arrived in time
    Device,      // any other fault reported by the device or the kernel
    Crashed,     // the isolated decoder process died on this frame
};

struct DriverError {
    DriverErrorKind kind = DriverErrorKind::Device;
    std::string message; // one line, names what was wrong
};

const char* toString(DriverErrorKind kind);

// BadInput stays bad input; everything else is the environment's fault (exit 3).
Error toError(const DriverError& error);

template <typename T> using DriverResult = Result<T, DriverError>;

// Success that carries nothing.
struct Done {};
using DriverStatus = DriverResult<Done>;

} // namespace doorpost
