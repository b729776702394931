#include "sync/central/central_store.hpp"

#include "storage/base/hex.hpp"
#include "sync/set_signature.hpp"

#include <cctype>
#include <ctime>
#include <sodium.h>

namespace doorpost::sync::central {
namespace {

// One schema for both engines: only portable types (TEXT, BIGINT) and ON CONFLICT clauses.
// It runs at every open, so it only ever adds: a table or index created IF NOT EXISTS, never a
// shipped statement rewritten. device_keys (central_device_keys.cpp) came later than devices:
// the INSERT that follows it brings a database upgraded in place up to date, copying each
// devices.device_key (the latest key, all an older central kept) into the history with
// registered_ms 0 ("registered before the history was kept"); a key already held is left as
// it is, so running it again at the next open changes nothing.
constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS devices (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    device_key TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS chains (
    device TEXT NOT NULL,
    epoch TEXT NOT NULL,
    acked_through BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    PRIMARY KEY (device, epoch)
);
CREATE TABLE IF NOT EXISTS events (
    device TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    body TEXT,
    quarantined TEXT,
    subject_key TEXT,
    verdict TEXT,
    credential_id TEXT,
    wall_time_ms BIGINT,
    PRIMARY KEY (device, epoch, seq)
);
CREATE INDEX IF NOT EXISTS events_subject ON events (subject_key, wall_time_ms);
CREATE TABLE IF NOT EXISTS findings (
    device TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    other_device TEXT NOT NULL,
    other_seq BIGINT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (device, epoch, seq, kind)
);
CREATE TABLE IF NOT EXISTS alerts (
    device TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL,
    their_hash TEXT NOT NULL,
    our_hash TEXT NOT NULL,
    PRIMARY KEY (device, epoch, seq, their_hash)
);
CREATE TABLE IF NOT EXISTS set_meta (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    purged_through BIGINT NOT NULL,
    valid_until TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS set_items (
    set_name TEXT NOT NULL,
    item_key TEXT NOT NULL,
    value TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    PRIMARY KEY (set_name, item_key)
);
CREATE INDEX IF NOT EXISTS set_items_version ON set_items (set_name, version);
CREATE TABLE IF NOT EXISTS central_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS device_keys (
    device TEXT NOT NULL,
    device_key TEXT NOT NULL,
    registered_ms BIGINT NOT NULL,
    PRIMARY KEY (device, device_key)
);
INSERT INTO device_keys (device, device_key, registered_ms)
    SELECT name, device_key, 0 FROM devices WHERE device_key <> ''
    ON CONFLICT (device, device_key) DO NOTHING;
)SQL";

std::string sha256Hex(const std::string& text) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    return toHex(digest, sizeof digest);
}

} // namespace

extern const char* const kDoorSchema; // central_doors.cpp

std::string CentralStore::tokenHash(const std::string& token) {
    return sha256Hex(token);
}

CentralStore::CentralStore(std::unique_ptr<SqlSession> session, StoreOptions options)
    : m_session(std::move(session)), m_options(options) {}

Result<std::unique_ptr<CentralStore>> CentralStore::open(const std::string& location,
                                                         StoreOptions options) {
    if (sodium_init() < 0)
        return environmentFault("libsodium failed to initialise");
    auto session = openSqlSession(location);
    if (!session)
        return session.error();
    std::unique_ptr<CentralStore> store(new CentralStore(std::move(*session), options));
    if (auto created = store->createSchema(); !created)
        return created.error();
    return store;
}

Result<void> CentralStore::createSchema() {
    // Two centrals starting together over one PostgreSQL would race on CREATE TABLE IF NOT
    // EXISTS (it is not atomic there); a transaction-scoped advisory lock orders them.
    if (m_session->dialect() == SqlDialect::Postgres) {
        if (auto begun = m_session->beginWrite(); !begun)
            return begun.error();
        if (auto locked = m_session->run("SELECT pg_advisory_xact_lock(7357001)"); !locked) {
            (void)m_session->rollback();
            return locked.error();
        }
        for (const char* schema : {kSchema, kDoorSchema})
            if (auto created = m_session->script(schema); !created) {
                (void)m_session->rollback();
                return created.error();
            }
        return m_session->commit();
    }
    if (auto created = m_session->script(kSchema); !created)
        return created.error();
    return m_session->script(kDoorSchema);
}

std::string CentralStore::forUpdate() const {
    return m_session->dialect() == SqlDialect::Postgres ? " FOR UPDATE" : "";
}

bool CentralStore::isKnownSet(const std::string& set) {
    return set == "roster" || set == "denylist" || set == "keys" || set == "config" ||
           set == "site";
}

Result<std::string> CentralStore::enrollDevice(const std::string& name, bool replace) {
    if (name.empty() || name.size() > 64)
        return badInput("device name must be 1-64 characters");
    for (const char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return badInput("device name may hold only letters, digits, '-', '_' and '.'");
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    const std::string token = "dpt_" + toHex(secret, sizeof secret);
    std::lock_guard lock(m_mutex);
    auto existing = m_session->run("SELECT name FROM devices WHERE name = $1", {name});
    if (!existing)
        return existing.error();
    if (!existing->empty() && !replace)
        return badInput("device " + name + " is already enrolled (use --replace for a new token)");
    auto stored = m_session->run(
        "INSERT INTO devices (name, token_hash, created_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash",
        {name, sha256Hex(token), std::int64_t{static_cast<std::int64_t>(std::time(nullptr))}});
    if (!stored)
        return stored.error();
    return token;
}

Result<std::optional<std::string>> CentralStore::deviceForToken(const std::string& token) {
    std::lock_guard lock(m_mutex);
    auto rows = m_session->run(
        "SELECT name FROM devices WHERE token_hash = $1 AND NOT EXISTS"
        " (SELECT 1 FROM device_revocations r WHERE r.token_hash = devices.token_hash)",
        {sha256Hex(token)});
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<std::string>();
    return std::optional<std::string>(rows->text(0, 0));
}

Result<CentralStats> CentralStore::stats() {
    std::lock_guard lock(m_mutex);
    CentralStats stats;
    auto devices = m_session->run("SELECT COUNT(*) FROM devices");
    if (!devices)
        return devices.error();
    stats.devices = devices->integer(0, 0);
    auto chains = m_session->run(
        "SELECT c.device, c.epoch, c.acked_through, c.head_hash,"
        " (SELECT COUNT(*) FROM events e WHERE e.device = c.device AND e.epoch = c.epoch),"
        " (SELECT COUNT(*) FROM events e WHERE e.device = c.device AND e.epoch = c.epoch"
        "   AND e.quarantined IS NOT NULL)"
        " FROM chains c ORDER BY c.device, c.epoch");
    if (!chains)
        return chains.error();
    for (std::size_t r = 0; r < chains->size(); ++r) {
        ChainStats chain{chains->text(r, 0),    chains->text(r, 1),    chains->integer(r, 4),
                         chains->integer(r, 5), chains->integer(r, 2), chains->text(r, 3)};
        stats.events += chain.events;
        stats.chains.push_back(std::move(chain));
    }
    auto findings = m_session->run(
        "SELECT device, epoch, seq, kind, subject_key, other_device, other_seq, detail"
        " FROM findings ORDER BY device, epoch, seq, kind");
    if (!findings)
        return findings.error();
    for (std::size_t r = 0; r < findings->size(); ++r)
        stats.findings.push_back(
            {findings->text(r, 0), findings->text(r, 1),
             Finding{findings->integer(r, 2), findings->text(r, 3), findings->text(r, 4),
                     findings->text(r, 5), findings->integer(r, 6), findings->text(r, 7)}});
    auto alerts = m_session->run("SELECT COUNT(*) FROM alerts");
    if (!alerts)
        return alerts.error();
    stats.alerts = alerts->integer(0, 0);
    auto caught = m_session->run("SELECT COUNT(*) FROM door_catches");
    if (!caught)
        return caught.error();
    stats.caughtAtDoors = caught->integer(0, 0);
    return stats;
}

EventFacts eventFacts(const nlohmann::json& event) {
    EventFacts facts;
    auto text = [&](const char* field) -> std::string {
        const auto it = event.find(field);
        return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    facts.subjectKey = text("subject_key");
    facts.verdict = text("verdict");
    // The pass id lives in the event's detail object (a JSON text covered by the hash).
    const auto detail = event.find("detail");
    if (detail != event.end() && detail->is_string()) {
        if (auto parsed = parseJson(detail->get<std::string>()); parsed && parsed->is_object()) {
            for (const char* field : {"pass_id", "credential_id"}) {
                const auto it = parsed->find(field);
                if (it != parsed->end() && it->is_string()) {
                    facts.credentialId = it->get<std::string>();
                    break;
                }
            }
            const auto prior = parsed->find("already_admitted");
            if (facts.verdict == "refer" && prior != parsed->end() && prior->is_object()) {
                const auto peer = prior->find("peer_device");
                const auto seq = prior->find("peer_seq");
                if (peer != prior->end() && peer->is_string() && seq != prior->end() &&
                    seq->is_number_integer()) {
                    facts.caughtByDevice = peer->get<std::string>();
                    facts.caughtBySeq = seq->get<std::int64_t>();
                }
            }
        }
    }
    const auto wall = event.find("wall_time_ms");
    if (wall != event.end() && wall->is_number_integer())
        facts.wallTimeMs = wall->get<std::int64_t>();
    return facts;
}

} // namespace doorpost::sync::central
