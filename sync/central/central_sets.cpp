// Sets (roster, denylist, keys, config): every change takes a new version number from the set's
// counter; a kiosk's cursor is the last version it applied, so a pull returns exactly the items
// changed since (upserts and tombstones). Cursor 0 is a full snapshot. Compaction forgets
// tombstones; a cursor older than that gets 410 and the kiosk takes a snapshot.

#include "sync/central/central_store.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace doorpost::sync::central {
namespace {

constexpr std::size_t kSetChunk = 500;

// Withdraws `keys` from a set: each becomes a tombstone with the next version after `next`.
// Returns the last version used.
Result<std::int64_t> markDeleted(SqlSession& session, const std::string& set,
                                 const std::vector<std::string>& keys, std::int64_t next) {
    for (const auto& key : keys) {
        auto done = session.run("UPDATE set_items SET deleted = 1, value = '{}', version = $1"
                                " WHERE set_name = $2 AND item_key = $3",
                                {++next, set, key});
        if (!done)
            return done.error();
    }
    return next;
}

// Runs `body` in a write transaction: committed when it succeeds, rolled back otherwise.
template <typename Body> Result<std::int64_t> inWriteTransaction(SqlSession& session, Body body) {
    if (auto begun = session.beginWrite(); !begun)
        return begun.error();
    auto version = body();
    if (!version) {
        (void)session.rollback();
        return version.error();
    }
    if (auto committed = session.commit(); !committed) {
        (void)session.rollback();
        return committed.error();
    }
    return version;
}

} // namespace

Result<SetRead> CentralStore::readSet(const std::string& set, std::int64_t cursor,
                                      std::size_t limit, std::int64_t after, std::int64_t base) {
    if (limit == 0)
        limit = m_options.setPageLimit;
    std::lock_guard lock(m_mutex);
    auto meta = m_session->run(
        "SELECT version, purged_through, valid_until FROM set_meta WHERE name = $1", {set});
    if (!meta)
        return meta.error();
    const std::int64_t version = meta->empty() ? 0 : meta->integer(0, 0);
    const std::int64_t purged = meta->empty() ? 0 : meta->integer(0, 1);
    SetRead read;
    const bool snapshot = cursor == 0;
    if (snapshot && after == 0)
        base = version;
    // A delta from before the last compaction would miss forgotten tombstones; so would the rest
    // of a snapshot that began before it. Either way: 410, start a snapshot afresh.
    const std::int64_t from = snapshot ? base : cursor;
    if (cursor < 0 || after < 0 || from > version || (from > 0 && from < purged) ||
        (snapshot && after > 0 && base <= 0)) {
        read.gone = true;
        return read;
    }
    if (!snapshot && cursor == version) {
        read.notModified = true;
        return read;
    }
    std::string sql = "SELECT item_key, value, version, deleted FROM set_items WHERE set_name = $1"
                      " AND version > $2";
    if (snapshot)
        sql += " AND deleted = 0";
    sql += " ORDER BY version LIMIT $3";
    auto rows =
        m_session->run(sql, {set, snapshot ? after : cursor, static_cast<std::int64_t>(limit + 1)});
    if (!rows)
        return rows.error();
    SetPage& page = read.page;
    page.set = set;
    page.cursor = cursor;
    page.snapshot = snapshot;
    page.after = snapshot ? after : 0;
    page.more = rows->size() > limit;
    page.validUntil = meta->empty() ? "" : meta->text(0, 2);
    const std::size_t count = std::min(rows->size(), limit);
    page.upserts.reserve(count);
    for (std::size_t r = 0; r < count; ++r) {
        if (rows->integer(r, 3) != 0) {
            page.tombstones.push_back(rows->text(r, 0));
            continue;
        }
        auto value = parseJson(rows->text(r, 1));
        if (!value)
            return environmentFault("set " + set + " holds a malformed item");
        page.upserts.push_back({rows->text(r, 0), std::move(*value)});
    }
    const std::int64_t last = count > 0 ? rows->integer(count - 1, 2) : version;
    if (snapshot) {
        page.nextCursor = base;
        page.nextAfter = page.more ? last : 0;
    } else {
        page.nextCursor = page.more ? last : version;
    }
    return read;
}

Result<std::int64_t> CentralStore::bumpSetVersion(const std::string& set, std::int64_t by,
                                                  const std::string* validUntil) {
    auto ensured =
        m_session->run("INSERT INTO set_meta (name, version, purged_through, valid_until)"
                       " VALUES ($1, 0, 0, '') ON CONFLICT (name) DO NOTHING",
                       {set});
    if (!ensured)
        return ensured.error();
    // The set row lock orders two centrals publishing to one PostgreSQL.
    auto meta = m_session->run("SELECT version FROM set_meta WHERE name = $1" + forUpdate(), {set});
    if (!meta)
        return meta.error();
    const std::int64_t base = meta->integer(0, 0);
    auto updated = validUntil ? m_session->run("UPDATE set_meta SET version = $1, valid_until = $2"
                                               " WHERE name = $3",
                                               {base + by, *validUntil, set})
                              : m_session->run("UPDATE set_meta SET version = $1 WHERE name = $2",
                                               {base + by, set});
    if (!updated)
        return updated.error();
    return base;
}

Result<std::int64_t> CentralStore::upsertSet(const std::string& set,
                                             const std::vector<SetItem>& items,
                                             const std::string& validUntil, bool replace) {
    if (!isKnownSet(set))
        return badInput("unknown set " + set);
    // The last occurrence of a key wins (PostgreSQL refuses one statement updating a row twice).
    std::map<std::string, std::size_t> lastIndex;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].key.empty())
            return badInput("an item of set " + set + " has an empty key");
        lastIndex[items[i].key] = i;
    }
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (lastIndex[items[i].key] == i)
            order.push_back(i);

    std::lock_guard lock(m_mutex);
    return inWriteTransaction(*m_session, [&]() -> Result<std::int64_t> {
        // Unchanged items keep their version, so a re-import sends only what changed.
        auto live = m_session->run(
            "SELECT item_key, value FROM set_items WHERE set_name = $1 AND deleted = 0", {set});
        if (!live)
            return live.error();
        std::map<std::string, std::string> current;
        for (std::size_t r = 0; r < live->size(); ++r)
            current.emplace(live->text(r, 0), live->text(r, 1));
        std::vector<std::string> doomed;
        if (replace)
            for (const auto& [key, value] : current)
                if (!lastIndex.count(key))
                    doomed.push_back(key);
        std::vector<std::size_t> changed;
        std::vector<std::string> texts;
        for (const std::size_t i : order) {
            std::string text = dumpJson(items[i].value);
            const auto it = current.find(items[i].key);
            if (it != current.end() && it->second == text)
                continue;
            changed.push_back(i);
            texts.push_back(std::move(text));
        }
        order.swap(changed);
        const auto total = static_cast<std::int64_t>(order.size() + doomed.size());
        auto base = bumpSetVersion(set, total, validUntil.empty() ? nullptr : &validUntil);
        if (!base)
            return base.error();
        std::int64_t next = *base;
        for (std::size_t start = 0; start < order.size(); start += kSetChunk) {
            const std::size_t end = std::min(order.size(), start + kSetChunk);
            std::string sql = "INSERT INTO set_items (set_name, item_key, value, version, deleted)"
                              " VALUES ";
            std::vector<SqlValue> params;
            for (std::size_t i = start; i < end; ++i) {
                const std::size_t p = params.size();
                sql += (i == start ? "($" : ",($") + std::to_string(p + 1) + ",$" +
                       std::to_string(p + 2) + ",$" + std::to_string(p + 3) + ",$" +
                       std::to_string(p + 4) + ",0)";
                const SetItem& item = items[order[i]];
                params.emplace_back(set);
                params.emplace_back(item.key);
                params.emplace_back(texts[i]);
                params.emplace_back(++next);
            }
            sql += " ON CONFLICT (set_name, item_key) DO UPDATE SET value = excluded.value,"
                   " version = excluded.version, deleted = 0";
            if (auto done = m_session->run(sql, params); !done)
                return done.error();
        }
        return markDeleted(*m_session, set, doomed, next);
    });
}

Result<std::int64_t> CentralStore::removeFromSet(const std::string& set,
                                                 const std::vector<std::string>& keys) {
    if (!isKnownSet(set))
        return badInput("unknown set " + set);
    std::lock_guard lock(m_mutex);
    return inWriteTransaction(*m_session, [&]() -> Result<std::int64_t> {
        auto base = bumpSetVersion(set, static_cast<std::int64_t>(keys.size()), nullptr);
        if (!base)
            return base.error();
        return markDeleted(*m_session, set, keys, *base);
    });
}

Result<void> CentralStore::compactSet(const std::string& set) {
    if (!isKnownSet(set))
        return badInput("unknown set " + set);
    std::lock_guard lock(m_mutex);
    if (auto begun = m_session->beginWrite(); !begun)
        return begun.error();
    auto purged =
        m_session->run("UPDATE set_meta SET purged_through = version WHERE name = $1", {set});
    auto deleted =
        purged ? m_session->run("DELETE FROM set_items WHERE set_name = $1 AND deleted = 1", {set})
               : purged;
    if (!deleted) {
        (void)m_session->rollback();
        return deleted.error();
    }
    return m_session->commit();
}

} // namespace doorpost::sync::central
