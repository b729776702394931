#pragma once
// The exit codes of the command-line contract (DESIGN.md, "Command line").

#include "storage/result.hpp"

namespace doorpost::kiosk {

enum ExitCode : int {
    kExitOk = 0,          // success
    kExitNegative = 1,    // a negative result, e.g. a tampered export
    kExitBadInput = 2,    // bad input, with a one-line error naming the field
    kExitEnvironment = 3, // an environment fault: disk, device, network
};

inline int exitCodeFor(const Error& error) {
    switch (error.kind) {
    case ErrorKind::BadInput:
    case ErrorKind::Conflict:
        return kExitBadInput;
    case ErrorKind::Negative:
        return kExitNegative;
    case ErrorKind::Environment:
        return kExitEnvironment;
    }
    return kExitEnvironment;
}

} // namespace doorpost::kiosk
