#pragma once
// A door for the peer tests: its own database in a temp folder, enrolled under a device id with
// its own device key, and the site set written as the kiosk applies it (storage/site_doors).
// Events are appended straight to its log, as the gate would.

#include "storage/database.hpp"
#include "storage/device_key.hpp"
#include "storage/event_log.hpp"
#include "storage/peer_log.hpp"
#include "storage/site_doors.hpp"
#include "sync/peer/peer_puller.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::sync::peer::test {

class PeerDoor {
public:
    explicit PeerDoor(std::string device);

    const std::string& device() const { return m_device; }
    const std::string& path() const { return m_path; }
    const storage::DeviceKey& key() const { return m_key; }
    storage::Database& db() { return *m_db; }
    storage::EventLog& log() { return *m_log; }
    storage::SiteDoor siteDoor(const std::string& site, const std::string& address) const {
        return {m_device, site, m_key.publicKeyHex, address};
    }

    // Replaces the site set this door holds.
    void publish(const std::vector<storage::SiteDoor>& doors);
    // Appends `count` admissions of subjects "<prefix>-<n>"; the last seq.
    std::int64_t admit(int count, const std::string& prefix = "subject");
    storage::LogStatus head();
    // What this door holds of `peer`'s chain (nullopt: nothing).
    std::optional<storage::PeerHead> held(const std::string& peer, const std::string& epoch);
    std::int64_t peerEventRows();

private:
    doorpost::test::TempDir m_dir;
    std::string m_device;
    std::string m_path;
    storage::DeviceKey m_key;
    std::optional<storage::Database> m_db;
    std::optional<storage::EventLog> m_log;
};

} // namespace doorpost::sync::peer::test

#include <chrono>
#include <functional>
#include <thread>

namespace doorpost::sync::peer::test {

// Polls `done` every 5 ms until it holds or `limit` passes; whether it held.
inline bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// Pull options for tests: short waits and backoffs, so faults cost milliseconds.
inline PullerOptions fastPull(const PeerDoor& door) {
    PullerOptions options;
    options.dbPath = door.path();
    options.ownDevice = door.device();
    options.ownKey = door.key();
    options.wait = std::chrono::milliseconds(300);
    options.backoffBase = std::chrono::milliseconds(10);
    options.backoffCap = std::chrono::milliseconds(100);
    options.touchEvery = std::chrono::milliseconds(100);
    return options;
}

} // namespace doorpost::sync::peer::test
