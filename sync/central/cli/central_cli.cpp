#include "sync/central/cli/central_cli.hpp"

#include "storage/base/private_file.hpp"

#include <filesystem>

namespace doorpost::sync::central::cli {

Result<std::unique_ptr<CentralStore>> openStore(const CentralContext& context) {
    std::string location = context.global.store;
    if (location.empty()) {
        // The folder holds the store, the keys and the tokens: 0700 whatever the umask.
        if (auto made = makeOwnerOnlyDirectory(context.global.dataDir); !made)
            return environmentFault("data dir: " + made.error().message);
        location = (std::filesystem::path(context.global.dataDir) / "central.db").string();
    }
    StoreOptions options;
    options.reentryWindowMs = context.global.reentryWindowS * 1000;
    return CentralStore::open(location, options);
}

} // namespace doorpost::sync::central::cli
