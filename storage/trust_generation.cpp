#include "storage/trust_generation.hpp"

#include <cstdlib>
#include <string>

namespace doorpost::storage {

Result<void> bumpTrustGeneration(Database& db) {
    auto current = db.meta(kTrustGenerationKey);
    if (!current) {
        return current.error();
    }
    const std::int64_t generation = *current ? std::strtoll((*current)->c_str(), nullptr, 10) : 0;
    return db.setMeta(kTrustGenerationKey, std::to_string(generation + 1));
}

Result<void> changeTrustData(Database& db, const std::function<Result<void>()>& change) {
    if (sqlite3_get_autocommit(db.handle()) == 0) {
        // The caller's transaction: the change and the bump commit (or roll back) with it.
        if (auto changed = change(); !changed) {
            return changed;
        }
        return bumpTrustGeneration(db);
    }
    auto transaction = Transaction::begin(db);
    if (!transaction) {
        return transaction.error();
    }
    if (auto changed = change(); !changed) {
        return changed;
    }
    if (auto bumped = bumpTrustGeneration(db); !bumped) {
        return bumped;
    }
    return transaction->commit();
}

} // namespace doorpost::storage
