#pragma once
// How `doorpost` subcommands speak (storage/base/command_line.hpp): one JSON object per line on
// stdout, errors as one line on stderr naming what was wrong, and the contract's exit codes.

#include "storage/base/command_line.hpp"

namespace doorpost::kiosk::cli {

inline int fail(const Error& error) {
    return reportError("doorpost", error);
}

} // namespace doorpost::kiosk::cli
