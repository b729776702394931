#include "storage/base/hex.hpp"
#include "sync/central/central_store.hpp"

#include <sodium.h>

namespace doorpost::sync::central {

Result<pass::SubjectSecret> CentralStore::subjectSecret() {
    std::lock_guard lock(m_mutex);
    // Kept in the store, like the set-signing key, so every central process over one database
    // computes the same subject keys; never in a file of the data dir, never logged.
    auto existing =
        m_session->run("SELECT value FROM central_secrets WHERE name = 'subject_secret'");
    if (!existing)
        return existing.error();
    if (existing->empty()) {
        auto fresh = pass::newSubjectSecret();
        // Whoever inserts first wins; everyone then reads the same secret.
        auto inserted =
            m_session->run("INSERT INTO central_secrets (name, value) VALUES ('subject_secret', $1)"
                           " ON CONFLICT (name) DO NOTHING",
                           {toHex(fresh)});
        sodium_memzero(fresh.data(), fresh.size());
        if (!inserted)
            return inserted.error();
        existing =
            m_session->run("SELECT value FROM central_secrets WHERE name = 'subject_secret'");
        if (!existing)
            return existing.error();
    }
    if (existing->empty())
        return environmentFault("subject secret vanished from the store");
    auto secret = pass::subjectSecretFromHex(existing->text(0, 0));
    if (!secret)
        return environmentFault("subject secret in the store is malformed");
    return *secret;
}

} // namespace doorpost::sync::central
