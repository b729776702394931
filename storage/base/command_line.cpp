#include "storage/base/command_line.hpp"

#include "storage/base/journal_log.hpp"

#include <iostream>

namespace doorpost {

int exitCodeFor(const Error& error) {
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

void printJsonLine(const nlohmann::json& object) {
    std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n'
              << std::flush;
}

int reportError(std::string_view program, const Error& error) {
    std::cerr << std::flush; // anything written before it comes first
    logLine(LogPriority::Error, program, error.message);
    return exitCodeFor(error);
}

} // namespace doorpost
