#pragma once
// How subcommands speak: machine-readable output is one JSON object per line on stdout;
// errors are one line on stderr naming what was wrong.

#include "kiosk/cli/exit_code.hpp"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>

namespace doorpost::kiosk {

// Prints one JSON object as one line and flushes, so a reader of a pipe sees it at once.
inline void printJsonLine(const nlohmann::json& object) {
    std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n'
              << std::flush;
}

// Reports a failure in one line and returns the exit code the contract gives it.
inline int fail(const Error& error) {
    std::cerr << "doorpost: " << error.message << '\n';
    return exitCodeFor(error);
}

} // namespace doorpost::kiosk
