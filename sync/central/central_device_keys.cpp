// A device's audit key history: every Ed25519 public key it enrolled with, and when the central
// first registered it. A kiosk reinstalled on a new database (a corrupt file moved aside, a new
// disk) enrols again with a new key; exports made from the old database stay signed with the
// old key, so `doorpost verify-export --central` must still find it (docs/audit.md).
// devices.device_key keeps the latest key, for centrals and clients that know only that field.
// The table and the upgrade of an older database are in central_store.cpp's schema.

#include "storage/base/iso_time.hpp"
#include "sync/central/central_store.hpp"

#include <chrono>

namespace doorpost::sync::central {

Result<void> CentralStore::setDeviceKey(const std::string& device, const std::string& deviceKey) {
    if (deviceKey.empty())
        return {};
    std::lock_guard lock(m_mutex);
    if (auto begun = m_session->beginWrite(); !begun)
        return begun.error();
    auto body = [&]() -> Result<void> {
        // Locks the device row (PostgreSQL), so two centrals registering keys for one device
        // count its history one after the other.
        auto known =
            m_session->run("SELECT name FROM devices WHERE name = $1" + forUpdate(), {device});
        if (!known)
            return known.error();
        if (known->empty())
            return badInput("no device " + device);
        auto held = m_session->run(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN device_key = $2 THEN 1 ELSE 0 END), 0)"
            " FROM device_keys WHERE device = $1",
            {device, deviceKey});
        if (!held)
            return held.error();
        if (held->integer(0, 1) == 0 && held->integer(0, 0) >= kMaxDeviceKeys)
            return Error{ErrorKind::Conflict, "device " + device + " has registered " +
                                                  std::to_string(kMaxDeviceKeys) + " keys already"};
        auto latest = m_session->run("UPDATE devices SET device_key = $1 WHERE name = $2",
                                     {deviceKey, device});
        if (!latest)
            return latest.error();
        // Registered once: enrolling again with a key already held keeps its first time.
        auto added = m_session->run(
            "INSERT INTO device_keys (device, device_key, registered_ms) VALUES ($1, $2, $3)"
            " ON CONFLICT (device, device_key) DO NOTHING",
            {device, deviceKey, wallClockMs()});
        if (!added)
            return added.error();
        return {};
    }();
    if (!body) {
        (void)m_session->rollback();
        return body.error();
    }
    if (auto committed = m_session->commit(); !committed) {
        (void)m_session->rollback();
        return committed.error();
    }
    return {};
}

Result<std::vector<RegisteredDeviceKey>> CentralStore::deviceKeys(const std::string& device) {
    std::lock_guard lock(m_mutex);
    return deviceKeysLocked(device);
}

Result<std::vector<RegisteredDeviceKey>> CentralStore::deviceKeysLocked(const std::string& device) {
    // Oldest first; keys registered in the same millisecond in a stable (key) order.
    auto rows = m_session->run("SELECT device_key, registered_ms FROM device_keys"
                               " WHERE device = $1 ORDER BY registered_ms, device_key",
                               {device});
    if (!rows)
        return rows.error();
    std::vector<RegisteredDeviceKey> keys;
    keys.reserve(rows->size());
    for (std::size_t r = 0; r < rows->size(); ++r)
        keys.push_back({rows->text(r, 0), rows->integer(r, 1)});
    return keys;
}

} // namespace doorpost::sync::central
