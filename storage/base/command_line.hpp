#pragma once
// The command-line contract both binaries keep (DESIGN.md, "Command line"): machine-readable
// output is one JSON object per line on stdout; an error is one line on stderr naming what was
// wrong; the exit code says what kind of failure it was.

#include "storage/base/result.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace doorpost {

enum ExitCode : int {
    kExitOk = 0,          // success
    kExitNegative = 1,    // a negative result, e.g. a tampered export
    kExitBadInput = 2,    // bad input, with a one-line error naming the field
    kExitEnvironment = 3, // an environment fault: disk, device, network
};

int exitCodeFor(const Error& error);

// One JSON object as one line, flushed, so a reader of a pipe sees it at once.
void printJsonLine(const nlohmann::json& object);

// "PROGRAM: message" on stderr; returns the exit code for `error`.
int reportError(std::string_view program, const Error& error);

} // namespace doorpost
