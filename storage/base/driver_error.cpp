#include "storage/base/driver_error.hpp"

namespace doorpost {

const char* toString(DriverErrorKind kind) {
    switch (kind) {
    case DriverErrorKind::BadInput:
        return "bad-input";
    case DriverErrorKind::NotFound:
        return "not-found";
    case DriverErrorKind::Unsupported:
        return "unsupported";
    case DriverErrorKind::Unplugged:
        return "unplugged";
    case DriverErrorKind::Timeout:
        return "timeout";
    case DriverErrorKind::Device:
        return "device";
    case DriverErrorKind::Crashed:
        return "crashed";
    }
    return "device";
}

Error toError(const DriverError& error) {
    return {error.kind == DriverErrorKind::BadInput ? ErrorKind::BadInput : ErrorKind::Environment,
            error.message};
}

} // namespace doorpost
