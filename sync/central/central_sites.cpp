// The site set (docs/mesh.md): which doors stand at which site, where each serves its peers,
// and the enrolment key each one signs with. Doors of a site trust each other only through this
// set, which they pull signed like every other set, so a door the central never enrolled (or
// revoked) is no one's peer. The table device_sites is in kDoorSchema (central_doors.cpp).

#include "sync/central/central_store.hpp"

#include <algorithm>
#include <cctype>

namespace doorpost::sync::central {
namespace {

bool validSiteName(const std::string& site) {
    return !site.empty() && site.size() <= 64 &&
           std::all_of(site.begin(), site.end(), [](unsigned char c) {
               return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
           });
}

// "host:port": a host name or IPv4 address (an IPv6 one in brackets) and a port 1-65535.
bool validAddress(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || address.size() > 255)
        return false;
    const std::string port = address.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    const long number = std::stol(port);
    if (number < 1 || number > 65535)
        return false;
    return std::none_of(address.begin(), address.begin() + static_cast<std::ptrdiff_t>(colon),
                        [](unsigned char c) { return std::isspace(c) != 0 || c == '/'; });
}

} // namespace

Result<void> CentralStore::checkSite(const std::string& site, const std::string& address) {
    if (!site.empty() && !validSiteName(site))
        return badInput("--site: a site name is 1-64 letters, digits, - _ or .");
    if (!address.empty() && !validAddress(address))
        return badInput("--peer-address: " + address + " is not HOST:PORT");
    if (site.empty() && !address.empty())
        return badInput("--peer-address: give a site with it");
    return {};
}

Result<void> CentralStore::setDeviceSite(const std::string& device, const std::string& site,
                                         const std::string& address) {
    if (auto checked = checkSite(site, address); !checked)
        return checked;
    {
        std::lock_guard lock(m_mutex);
        auto known = m_session->run("SELECT name FROM devices WHERE name = $1", {device});
        if (!known)
            return known.error();
        if (known->empty())
            return badInput("no device " + device);
        auto stored = site.empty()
                          ? m_session->run("DELETE FROM device_sites WHERE device = $1", {device})
                          : m_session->run("INSERT INTO device_sites (device, site, address)"
                                           " VALUES ($1, $2, $3) ON CONFLICT (device) DO UPDATE"
                                           " SET site = excluded.site, address = excluded.address",
                                           {device, site, address});
        if (!stored)
            return stored.error();
    }
    return publishSiteDoor(device);
}

Result<void> CentralStore::publishSiteDoor(const std::string& device) {
    nlohmann::json item;
    bool published = false;
    {
        std::lock_guard lock(m_mutex);
        auto rows = m_session->run(
            "SELECT d.device_key, s.site, s.address, r.revoked_ms,"
            " (SELECT COUNT(*) FROM set_items i WHERE i.set_name = 'site' AND i.item_key = d.name"
            "  AND i.deleted = 0)"
            " FROM devices d LEFT JOIN device_sites s ON s.device = d.name"
            " LEFT JOIN device_revocations r ON r.token_hash = d.token_hash WHERE d.name = $1",
            {device});
        if (!rows)
            return rows.error();
        if (rows->empty())
            return badInput("no device " + device);
        published = rows->integer(0, 4) > 0;
        const std::string key = rows->text(0, 0);
        const std::string site = rows->rows[0][1].has_value() ? rows->text(0, 1) : std::string();
        if (!key.empty() && !site.empty() && !rows->rows[0][3].has_value())
            item = {{"site", site}, {"device_key", key}, {"address", rows->text(0, 2)}};
    }
    if (item.is_null()) {
        if (!published)
            return {};
        auto removed = removeFromSet("site", {device});
        return removed ? Result<void>() : Result<void>(removed.error());
    }
    auto upserted = upsertSet("site", {SetItem{device, item}}, "", false);
    return upserted ? Result<void>() : Result<void>(upserted.error());
}

} // namespace doorpost::sync::central
