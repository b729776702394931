#pragma once
// What every doorpost-central subcommand shares: opening the store the global options name,
// one-line JSON output and one-line errors with the exit codes of the command-line contract
// (0 ok, 1 negative, 2 bad input, 3 environment fault).

#include "storage/result.hpp"
#include "sync/central/central_store.hpp"
#include "sync/central/command_registry.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

namespace doorpost::sync::central {

// The store: --store (a SQLite path or a postgresql:// URL), else <data-dir>/central.db.
Result<std::unique_ptr<CentralStore>> openStore(const CentralContext& context);

inline void printJsonLine(const nlohmann::json& object) {
    std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n'
              << std::flush;
}

inline int exitCodeFor(const Error& error) {
    switch (error.kind) {
    case ErrorKind::BadInput:
    case ErrorKind::Conflict:
        return 2;
    case ErrorKind::Negative:
        return 1;
    case ErrorKind::Environment:
        return 3;
    }
    return 3;
}

inline int fail(const Error& error) {
    std::cerr << "doorpost-central: " << error.message << '\n';
    return exitCodeFor(error);
}

} // namespace doorpost::sync::central
