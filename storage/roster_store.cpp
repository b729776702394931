#include "storage/roster_store.hpp"

#include "storage/trust_generation.hpp"

namespace doorpost::storage {

Result<void> RosterStore::replace(const std::vector<RosterEntry>& entries, const RosterInfo& info) {
    auto transaction = Transaction::begin(*m_db);
    if (!transaction)
        return transaction.error();
    if (auto cleared = m_db->exec("DELETE FROM roster; DELETE FROM roster_source;"); !cleared)
        return cleared.error();
    auto insert = m_db->prepare(
        "INSERT INTO roster(candidate_number, name, subject_key, masked_id, session, room, seat) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert)
        return insert.error();
    for (const auto& entry : entries) {
        insert->bind(1, entry.candidateNumber)
            .bind(2, entry.name)
            .bind(3, entry.subjectKey)
            .bind(4, entry.maskedId)
            .bind(5, entry.session)
            .bind(6, entry.room)
            .bind(7, entry.seat);
        if (auto ran = insert->run(); !ran)
            return ran.error();
    }
    auto source =
        m_db->prepare("INSERT INTO roster_source(id, source, fetched_at, valid_until, count) "
                      "VALUES (1, ?1, ?2, ?3, ?4)");
    if (!source)
        return source.error();
    source->bind(1, info.source)
        .bind(2, info.fetchedAt)
        .bind(3, info.validUntil)
        .bind(4, static_cast<std::int64_t>(entries.size()));
    if (auto ran = source->run(); !ran)
        return ran.error();
    if (auto bumped = bumpTrustGeneration(*m_db); !bumped)
        return bumped;
    return transaction->commit();
}

Result<std::optional<RosterEntry>> RosterStore::one(const char* sql, std::string_view key) {
    auto statement = m_db->prepare(sql);
    if (!statement)
        return statement.error();
    statement->bind(1, key);
    auto row = statement->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<RosterEntry>{};
    return std::optional<RosterEntry>{
        RosterEntry{statement->columnText(0), statement->columnText(1), statement->columnText(2),
                    statement->columnText(3), statement->columnText(4), statement->columnText(5),
                    statement->columnText(6)}};
}

Result<std::optional<RosterEntry>> RosterStore::byCandidate(std::string_view candidateNumber) {
    return one("SELECT candidate_number, name, subject_key, masked_id, session, room, seat "
               "FROM roster WHERE candidate_number = ?1",
               candidateNumber);
}

Result<std::optional<RosterEntry>> RosterStore::bySubject(std::string_view subjectKey) {
    return one("SELECT candidate_number, name, subject_key, masked_id, session, room, seat "
               "FROM roster WHERE subject_key = ?1 ORDER BY candidate_number LIMIT 1",
               subjectKey);
}

Result<std::optional<RosterInfo>> RosterStore::info() {
    auto statement = m_db->prepare(
        "SELECT count, source, fetched_at, valid_until FROM roster_source WHERE id = 1");
    if (!statement)
        return statement.error();
    auto row = statement->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<RosterInfo>{};
    return std::optional<RosterInfo>{RosterInfo{statement->columnInt(0), statement->columnText(1),
                                                statement->columnInt(2), statement->columnInt(3)}};
}

} // namespace doorpost::storage
