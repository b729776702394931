#pragma once
// A read transaction: every read until it ends sees one snapshot of the database, even while the
// gate keeps appending on its own connection (WAL). It wrote nothing, so it ends with ROLLBACK,
// however the reader leaves (an error, an exception, a normal return). The chain check and the
// audit export both read this way.

#include "storage/database.hpp"

namespace doorpost::storage {

class ReadSnapshot {
public:
    explicit ReadSnapshot(Database& db) : m_db(db) {}
    ~ReadSnapshot() {
        if (m_open) {
            (void)m_db.exec("ROLLBACK");
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

    Result<void> begin() {
        auto begun = m_db.exec("BEGIN");
        m_open = begun.ok();
        return begun;
    }

private:
    Database& m_db;
    bool m_open = false;
};

} // namespace doorpost::storage
