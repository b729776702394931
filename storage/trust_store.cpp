#include "storage/trust_store.hpp"

#include "storage/trust_generation.hpp"

namespace doorpost::storage {

std::string_view toString(TrustKind kind) {
    switch (kind) {
    case TrustKind::Dsc:
        return "dsc";
    case TrustKind::PassKey:
        return "pass_key";
    case TrustKind::SealKey:
        return "seal_key";
    }
    return "dsc";
}

std::optional<TrustKind> parseTrustKind(std::string_view text) {
    if (text == "dsc")
        return TrustKind::Dsc;
    if (text == "pass_key")
        return TrustKind::PassKey;
    if (text == "seal_key")
        return TrustKind::SealKey;
    return std::nullopt;
}

Result<void> TrustStore::add(const TrustEntry& entry) {
    auto statement = m_db->prepare(
        "INSERT INTO trust_entries(kind, key_id, material, label, source, fetched_at, "
        "valid_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(kind, material) DO UPDATE SET key_id = excluded.key_id, "
        "label = excluded.label, source = excluded.source, fetched_at = excluded.fetched_at, "
        "valid_until = excluded.valid_until");
    if (!statement)
        return statement.error();
    statement->bind(1, toString(entry.kind))
        .bind(2, entry.keyId)
        .bind(3, entry.material)
        .bind(4, entry.label)
        .bind(5, entry.source)
        .bind(6, entry.fetchedAt)
        .bind(7, entry.validUntil);
    return changeTrustData(*m_db, [&statement] { return statement->run(); });
}

Result<std::vector<TrustEntry>> TrustStore::entries() {
    auto statement =
        m_db->prepare("SELECT kind, key_id, material, label, source, fetched_at, valid_until "
                      "FROM trust_entries ORDER BY kind, fetched_at, key_id");
    if (!statement)
        return statement.error();
    std::vector<TrustEntry> out;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        TrustEntry entry;
        const auto kind = parseTrustKind(statement->columnText(0));
        if (!kind)
            continue; // a kind a newer version wrote; this one cannot use it
        entry.kind = *kind;
        entry.keyId = statement->columnText(1);
        entry.material = statement->columnText(2);
        entry.label = statement->columnText(3);
        entry.source = statement->columnText(4);
        entry.fetchedAt = statement->columnInt(5);
        entry.validUntil = statement->columnInt(6);
        out.push_back(std::move(entry));
    }
    return out;
}

Result<void> TrustStore::deny(const DeniedPass& pass) {
    auto statement = m_db->prepare(
        "INSERT INTO deny_list(pass_id, source, fetched_at, valid_until) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(pass_id) DO UPDATE SET source = excluded.source, "
        "fetched_at = excluded.fetched_at, valid_until = excluded.valid_until");
    if (!statement)
        return statement.error();
    statement->bind(1, pass.passId)
        .bind(2, pass.source)
        .bind(3, pass.fetchedAt)
        .bind(4, pass.validUntil);
    return changeTrustData(*m_db, [&statement] { return statement->run(); });
}

Result<std::vector<DeniedPass>> TrustStore::denied() {
    auto statement = m_db->prepare(
        "SELECT pass_id, source, fetched_at, valid_until FROM deny_list ORDER BY pass_id");
    if (!statement)
        return statement.error();
    std::vector<DeniedPass> out;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        out.push_back({statement->columnText(0), statement->columnText(1), statement->columnInt(2),
                       statement->columnInt(3)});
    }
    return out;
}

} // namespace doorpost::storage
