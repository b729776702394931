#include "sync/central/cli/central_cli.hpp"

#include <filesystem>

namespace doorpost::sync::central::cli {

Result<std::unique_ptr<CentralStore>> openStore(const CentralContext& context) {
    std::string location = context.global.store;
    if (location.empty()) {
        std::error_code error;
        std::filesystem::create_directories(context.global.dataDir, error);
        if (error)
            return environmentFault("cannot create data dir " + context.global.dataDir + ": " +
                                    error.message());
        location = (std::filesystem::path(context.global.dataDir) / "central.db").string();
    }
    StoreOptions options;
    options.reentryWindowMs = context.global.reentryWindowS * 1000;
    return CentralStore::open(location, options);
}

} // namespace doorpost::sync::central::cli
