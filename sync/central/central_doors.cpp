// What the central knows of each door beyond its chain (issue 16, "observable"): when it was
// last heard from, the head it reported, its software version and clock offset (table
// device_contact), its site and peer address (table device_sites, central_sites.cpp), the
// duplicates it caught through a peer (table door_catches, central_reconcile.cpp), and
// whether its token was revoked (table device_revocations: a stolen or retired kiosk). A revocation
// names the token it stops, so `enroll --replace` gives the door a working token again while the
// record of the revocation stays. Events of a revoked door stay.
//
// Both tables come from kDoorSchema, run at every open after the base schema: additions only,
// created IF NOT EXISTS, so an older database is upgraded in place.

#include "storage/base/iso_time.hpp"
#include "sync/central/central_store.hpp"

#include <chrono>
#include <map>

namespace doorpost::sync::central {

extern const char* const kDoorSchema;
const char* const kDoorSchema = R"SQL(
CREATE TABLE IF NOT EXISTS device_contact (
    device TEXT PRIMARY KEY,
    last_contact_ms BIGINT NOT NULL,
    software_version TEXT NOT NULL,
    clock_offset_ms BIGINT,
    peer TEXT NOT NULL,
    epoch TEXT NOT NULL,
    head_seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    door_last_seq BIGINT NOT NULL,
    last_push_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS device_sites (
    device TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS door_catches (
    device TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq BIGINT NOT NULL,
    peer_device TEXT NOT NULL,
    peer_seq BIGINT NOT NULL,
    PRIMARY KEY (device, epoch, seq)
);
CREATE TABLE IF NOT EXISTS device_revocations (
    token_hash TEXT PRIMARY KEY,
    device TEXT NOT NULL,
    revoked_ms BIGINT NOT NULL,
    reason TEXT NOT NULL
);
)SQL";

std::string principalRole(const std::string& name) {
    if (name.rfind("operator-", 0) == 0)
        return "operator";
    if (name.rfind("auditor-", 0) == 0)
        return "auditor";
    return "door";
}

Result<TokenCheck> CentralStore::checkToken(const std::string& token) {
    std::lock_guard lock(m_mutex);
    TokenCheck check;
    auto rows = m_session->run(
        "SELECT d.name, r.revoked_ms, r.reason FROM devices d"
        " LEFT JOIN device_revocations r ON r.token_hash = d.token_hash WHERE d.token_hash = $1",
        {tokenHash(token)});
    if (!rows)
        return rows.error();
    if (!rows->empty()) {
        check.known = true;
        check.principal = rows->text(0, 0);
        check.revoked = rows->rows[0][1].has_value();
        check.revokedMs = rows->integer(0, 1);
        check.reason = rows->text(0, 2);
        return check;
    }
    // A token revoked and then replaced (`enroll --replace`) is no longer the device's, but
    // the door holding it should still learn why it is refused.
    auto revoked = m_session->run(
        "SELECT device, revoked_ms, reason FROM device_revocations WHERE token_hash = $1",
        {tokenHash(token)});
    if (!revoked)
        return revoked.error();
    if (!revoked->empty()) {
        check.known = true;
        check.principal = revoked->text(0, 0);
        check.revoked = true;
        check.revokedMs = revoked->integer(0, 1);
        check.reason = revoked->text(0, 2);
    }
    return check;
}

Result<std::int64_t> CentralStore::revokeDevice(const std::string& name,
                                                const std::string& reason) {
    std::lock_guard lock(m_mutex);
    auto device = m_session->run("SELECT token_hash FROM devices WHERE name = $1", {name});
    if (!device)
        return device.error();
    if (device->empty())
        return badInput("no device " + name);
    const std::int64_t at = wallClockMs();
    auto stored =
        m_session->run("INSERT INTO device_revocations (token_hash, device, revoked_ms, reason)"
                       " VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING",
                       {device->text(0, 0), name, at, reason});
    if (!stored)
        return stored.error();
    auto held = m_session->run("SELECT revoked_ms FROM device_revocations WHERE token_hash = $1",
                               {device->text(0, 0)});
    if (!held)
        return held.error();
    return held->empty() ? at : held->integer(0, 0);
}

Result<void> CentralStore::recordContact(const std::string& device, const DoorContact& contact) {
    std::vector<SqlValue> params{device,
                                 contact.atMs,
                                 contact.softwareVersion,
                                 SqlValue(),
                                 contact.peer,
                                 contact.epoch,
                                 contact.headSeq,
                                 contact.headHash,
                                 contact.doorLastSeq,
                                 contact.pushed ? contact.atMs : std::int64_t{0}};
    if (contact.clockOffsetMs)
        params[3] = *contact.clockOffsetMs;
    // A push moves the head; any other request only says the door is alive (and which version
    // it runs, and its clock), so it leaves the head as the last push left it.
    const char* head = contact.pushed ? ", epoch = excluded.epoch, head_seq = excluded.head_seq,"
                                        " head_hash = excluded.head_hash,"
                                        " door_last_seq = excluded.door_last_seq,"
                                        " last_push_ms = excluded.last_push_ms"
                                      : "";
    std::lock_guard lock(m_mutex);
    auto done = m_session->run(
        std::string("INSERT INTO device_contact (device, last_contact_ms, software_version,"
                    " clock_offset_ms, peer, epoch, head_seq, head_hash, door_last_seq,"
                    " last_push_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                    " ON CONFLICT (device) DO UPDATE SET last_contact_ms ="
                    " CASE WHEN excluded.last_contact_ms > device_contact.last_contact_ms"
                    " THEN excluded.last_contact_ms ELSE device_contact.last_contact_ms END,"
                    " software_version = CASE WHEN excluded.software_version = ''"
                    " THEN device_contact.software_version ELSE excluded.software_version END,"
                    " clock_offset_ms = COALESCE(excluded.clock_offset_ms,"
                    " device_contact.clock_offset_ms), peer = excluded.peer") +
            head,
        params);
    if (!done)
        return done.error();
    return {};
}

Result<std::vector<DoorView>> CentralStore::doors() {
    std::lock_guard lock(m_mutex);
    auto devices = m_session->run(
        "SELECT d.name, d.created_at, r.revoked_ms, r.reason, c.last_contact_ms,"
        " c.software_version, c.clock_offset_ms, c.peer, c.epoch, c.head_seq, c.head_hash,"
        " c.door_last_seq, c.last_push_ms"
        " FROM devices d LEFT JOIN device_revocations r ON r.token_hash = d.token_hash"
        " LEFT JOIN device_contact c ON c.device = d.name ORDER BY d.name");
    if (!devices)
        return devices.error();
    // Per device and epoch: what the central holds of each chain.
    auto chains = m_session->run(
        "SELECT c.device, c.epoch, c.acked_through, c.head_hash,"
        " (SELECT COUNT(*) FROM events e WHERE e.device = c.device AND e.epoch = c.epoch),"
        " (SELECT COUNT(*) FROM events e WHERE e.device = c.device AND e.epoch = c.epoch"
        "   AND e.quarantined IS NOT NULL)"
        " FROM chains c");
    if (!chains)
        return chains.error();
    auto findings = m_session->run("SELECT device, COUNT(*) FROM findings GROUP BY device");
    if (!findings)
        return findings.error();
    auto alerts = m_session->run("SELECT device, COUNT(*) FROM alerts GROUP BY device");
    if (!alerts)
        return alerts.error();
    std::map<std::string, std::int64_t> findingCount;
    for (std::size_t r = 0; r < findings->size(); ++r)
        findingCount[findings->text(r, 0)] = findings->integer(r, 1);
    std::map<std::string, std::int64_t> alertCount;
    for (std::size_t r = 0; r < alerts->size(); ++r)
        alertCount[alerts->text(r, 0)] = alerts->integer(r, 1);

    std::vector<DoorView> out;
    std::map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < devices->size(); ++r) {
        DoorView door;
        door.name = devices->text(r, 0);
        door.role = principalRole(door.name);
        door.enrolledAtS = devices->integer(r, 1);
        door.revoked = devices->rows[r][2].has_value();
        door.revokedMs = devices->integer(r, 2);
        door.revokeReason = devices->text(r, 3);
        door.lastContactMs = devices->integer(r, 4);
        door.softwareVersion = devices->text(r, 5);
        if (devices->rows[r][6])
            door.clockOffsetMs = devices->integer(r, 6);
        door.peer = devices->text(r, 7);
        door.epoch = devices->text(r, 8);
        door.reportedHeadSeq = devices->integer(r, 9);
        door.reportedHeadHash = devices->text(r, 10);
        door.doorLastSeq = devices->integer(r, 11);
        door.lastPushMs = devices->integer(r, 12);
        door.findings = findingCount[door.name];
        door.alerts = alertCount[door.name];
        index[door.name] = out.size();
        out.push_back(std::move(door));
    }
    for (std::size_t r = 0; r < chains->size(); ++r) {
        const auto it = index.find(chains->text(r, 0));
        if (it == index.end())
            continue;
        DoorView& door = out[it->second];
        door.events += chains->integer(r, 4);
        door.quarantined += chains->integer(r, 5);
        // The chain the door last pushed is "its" chain; without contact data, the longest.
        const bool current = door.epoch.empty() ? chains->integer(r, 2) >= door.ackedThrough
                                                : chains->text(r, 1) == door.epoch;
        if (current) {
            door.ackedThrough = chains->integer(r, 2);
            door.headHash = chains->text(r, 3);
        }
    }
    for (DoorView& door : out) {
        const std::int64_t reported = std::max(door.doorLastSeq, door.reportedHeadSeq);
        door.ackedLag = reported > door.ackedThrough ? reported - door.ackedThrough : 0;
    }
    return out;
}

Result<std::vector<SetVersion>> CentralStore::setVersions() {
    std::lock_guard lock(m_mutex);
    auto rows = m_session->run(
        "SELECT m.name, m.version, m.valid_until,"
        " (SELECT COUNT(*) FROM set_items i WHERE i.set_name = m.name AND i.deleted = 0)"
        " FROM set_meta m ORDER BY m.name");
    if (!rows)
        return rows.error();
    std::vector<SetVersion> out;
    for (std::size_t r = 0; r < rows->size(); ++r)
        out.push_back(
            {rows->text(r, 0), rows->integer(r, 1), rows->text(r, 2), rows->integer(r, 3)});
    return out;
}

Result<void> CentralStore::ping() {
    std::lock_guard lock(m_mutex);
    auto rows = m_session->run("SELECT COUNT(*) FROM devices");
    if (!rows)
        return rows.error();
    return {};
}

} // namespace doorpost::sync::central
