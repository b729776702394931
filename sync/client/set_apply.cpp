#include "sync/client/set_apply.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/site_doors.hpp"
#include "storage/trust_generation.hpp"
#include "storage/trust_store.hpp"

#include <optional>
#include <string>

namespace doorpost::sync::client {
namespace {

using storage::Database;
using storage::Statement;

// The source column of every row a set wrote, so a snapshot replaces only its own rows.
std::string sourceOf(const SetPage& page) {
    return "sync:" + page.set;
}

std::string textField(const nlohmann::json& value, const char* name) {
    const auto it = value.find(name);
    if (it == value.end())
        return "";
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_number_integer())
        return std::to_string(it->get<std::int64_t>());
    return "";
}

bool isHex(const std::string& text) {
    if (text.empty() || text.size() % 2 != 0)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    return true;
}

// Walks every item the kiosk holds for a set (the complete set once a snapshot is in).
template <typename Visit>
Result<void> forEachItem(Database& db, const std::string& set, Visit visit) {
    auto select = db.prepare("SELECT item_key, value FROM sync_set_items WHERE set_name = ?1");
    if (!select)
        return select.error();
    select->bind(1, set);
    for (;;) {
        auto row = select->step();
        if (!row)
            return row.error();
        if (!*row)
            return {};
        auto value = parseJson(select->columnText(1));
        if (!value)
            continue; // stored by this code from a verified page: cannot happen
        if (auto done = visit(select->columnText(0), *value); !done)
            return done.error();
    }
}

// --- roster -------------------------------------------------------------------------------

Result<void> upsertCandidate(Statement& insert, const std::string& key,
                             const nlohmann::json& value) {
    if (!value.is_object() || key.empty())
        return {};
    insert.bind(1, key)
        .bind(2, textField(value, "name"))
        .bind(3, textField(value, "subject_key"))
        .bind(4, textField(value, "masked_id"))
        .bind(5, textField(value, "session"))
        .bind(6, textField(value, "room"))
        .bind(7, textField(value, "seat"));
    return insert.run();
}

Result<void> applyRoster(Database& db, const SetPage& page, std::int64_t now, std::int64_t until) {
    auto insert = db.prepare(
        "INSERT OR REPLACE INTO roster(candidate_number, name, subject_key, masked_id, session,"
        " room, seat) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert)
        return insert.error();
    if (page.snapshot) {
        if (auto cleared = db.exec("DELETE FROM roster"); !cleared)
            return cleared.error();
        auto filled =
            forEachItem(db, page.set, [&](const std::string& key, const nlohmann::json& v) {
                return upsertCandidate(*insert, key, v);
            });
        if (!filled)
            return filled.error();
    } else {
        for (const auto& item : page.upserts)
            if (auto done = upsertCandidate(*insert, item.key, item.value); !done)
                return done.error();
        auto remove = db.prepare("DELETE FROM roster WHERE candidate_number = ?1");
        if (!remove)
            return remove.error();
        for (const auto& key : page.tombstones)
            if (auto done = remove->bind(1, key).run(); !done)
                return done.error();
    }
    // The roster's provenance: what the gate shows and checks for freshness.
    auto source = db.prepare(
        "INSERT OR REPLACE INTO roster_source(id, source, fetched_at, valid_until, count)"
        " VALUES (1, ?1, ?2, ?3, (SELECT COUNT(*) FROM roster))");
    if (!source)
        return source.error();
    source->bind(1, sourceOf(page)).bind(2, now).bind(3, until);
    return source->run();
}

// --- deny list ----------------------------------------------------------------------------

Result<void> applyDenyList(Database& db, const SetPage& page, std::int64_t now,
                           std::int64_t until) {
    const std::string source = sourceOf(page);
    storage::TrustStore store(db);
    auto deny = [&](const std::string& key, const nlohmann::json&) -> Result<void> {
        if (key.empty())
            return {};
        return store.deny({key, source, now, until});
    };
    if (page.snapshot) {
        auto cleared = db.prepare("DELETE FROM deny_list WHERE source = ?1");
        if (!cleared)
            return cleared.error();
        if (auto done = cleared->bind(1, source).run(); !done)
            return done.error();
        if (auto filled = forEachItem(db, page.set, deny); !filled)
            return filled.error();
    } else {
        for (const auto& item : page.upserts)
            if (auto done = deny(item.key, item.value); !done)
                return done.error();
        auto remove = db.prepare("DELETE FROM deny_list WHERE pass_id = ?1 AND source = ?2");
        if (!remove)
            return remove.error();
        for (const auto& key : page.tombstones)
            if (auto done = remove->bind(1, key).bind(2, source).run(); !done)
                return done.error();
    }
    // A fresh fetch renews the whole list, not only the rows this page touched.
    auto renew =
        db.prepare("UPDATE deny_list SET fetched_at = ?1, valid_until = ?2 WHERE source = ?3");
    if (!renew)
        return renew.error();
    return renew->bind(1, now).bind(2, until).bind(3, source).run();
}

// --- trusted keys -------------------------------------------------------------------------

// The keys set is small (a few issuer keys, one sealing key, some DSCs): every page rebuilds
// the rows it owns from the complete set, which handles upserts and tombstones alike.
Result<void> applyKeys(Database& db, const SetPage& page, std::int64_t now, std::int64_t until) {
    const std::string source = sourceOf(page);
    auto cleared = db.prepare("DELETE FROM trust_entries WHERE source = ?1");
    if (!cleared)
        return cleared.error();
    if (auto done = cleared->bind(1, source).run(); !done)
        return done.error();
    storage::TrustStore store(db);
    return forEachItem(
        db, page.set, [&](const std::string& key, const nlohmann::json& value) -> Result<void> {
            if (!value.is_object())
                return {};
            const std::string kindText = textField(value, "kind");
            const auto kind = storage::parseTrustKind(kindText);
            const std::string material = textField(value, kindText == "dsc" ? "der" : "public_key");
            if (!kind || !isHex(material))
                return {};
            if (*kind != storage::TrustKind::Dsc && material.size() != 64)
                return {};
            std::string keyId = textField(value, "kid");
            if (keyId.empty() && *kind != storage::TrustKind::SealKey)
                keyId = key;
            std::string label = textField(value, "label");
            if (label.empty())
                label = *kind == storage::TrustKind::SealKey ? "central seal" : "dp1 issuer";
            return store.add({*kind, keyId, material, label, source, now, until});
        });
}

// --- site --------------------------------------------------------------------------------

// The site set is small (one item per door of the deployment): every page rebuilds site_doors
// from the complete set. A door without a well-formed public key cannot be checked, so it is
// no peer.
Result<void> applySite(Database& db, const SetPage& page) {
    std::vector<storage::SiteDoor> doors;
    auto gathered = forEachItem(
        db, page.set, [&](const std::string& key, const nlohmann::json& value) -> Result<void> {
            if (!value.is_object())
                return {};
            storage::SiteDoor door{key, textField(value, "site"), textField(value, "device_key"),
                                   textField(value, "address")};
            if (!key.empty() && !door.site.empty() && door.deviceKey.size() == 64 &&
                isHex(door.deviceKey))
                doors.push_back(std::move(door));
            return {};
        });
    if (!gathered)
        return gathered.error();
    return storage::replaceSiteDoors(db, doors);
}

} // namespace

Result<void> applyToReferenceData(Database& db, const SetPage& page, std::int64_t nowMs) {
    // Mid-snapshot: the items so far are only part of the set; the gate keeps the old one.
    if (page.snapshot && page.nextAfter > 0)
        return {};
    // A set the central has never published (a snapshot at version 0) says nothing about the
    // door: a roster or keys staff imported locally stay until the central publishes its own.
    if (page.snapshot && page.nextCursor == 0)
        return {};
    const std::int64_t now = nowMs / 1000;
    const auto published = parseIsoTime(page.validUntil);
    const std::int64_t until = published ? *published : now + kDefaultSetValiditySeconds;
    Result<void> applied;
    if (page.set == "roster")
        applied = applyRoster(db, page, now, until);
    else if (page.set == "denylist")
        applied = applyDenyList(db, page, now, until);
    else if (page.set == "keys")
        applied = applyKeys(db, page, now, until);
    else if (page.set == "site")
        return applySite(db, page); // not trust data: the gate's snapshot is unaffected
    else
        return {}; // "config" and sets a newer central adds: kept in sync_set_items only
    if (!applied)
        return applied.error();
    return storage::bumpTrustGeneration(db);
}

} // namespace doorpost::sync::client
