#include "storage/site_doors.hpp"

namespace doorpost::storage {
namespace {

Result<std::vector<SiteDoor>> readDoors(Database& db, const char* sql, const std::string* bound) {
    auto select = db.prepare(sql);
    if (!select)
        return select.error();
    if (bound != nullptr)
        select->bind(1, *bound);
    std::vector<SiteDoor> doors;
    while (true) {
        auto row = select->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        doors.push_back(SiteDoor{select->columnText(0), select->columnText(1),
                                 select->columnText(2), select->columnText(3)});
    }
    return doors;
}

} // namespace

Result<void> replaceSiteDoors(Database& db, const std::vector<SiteDoor>& doors) {
    if (auto cleared = db.exec("DELETE FROM site_doors"); !cleared)
        return cleared.error();
    auto insert = db.prepare(
        "INSERT OR REPLACE INTO site_doors(device, site, device_key, address) VALUES (?, ?, ?, ?)");
    if (!insert)
        return insert.error();
    for (const SiteDoor& door : doors) {
        insert->bind(1, door.device)
            .bind(2, door.site)
            .bind(3, door.deviceKey)
            .bind(4, door.address);
        if (auto ran = insert->run(); !ran)
            return ran.error();
    }
    return {};
}

Result<std::vector<SiteDoor>> readSiteDoors(Database& db) {
    return readDoors(db, "SELECT device, site, device_key, address FROM site_doors ORDER BY device",
                     nullptr);
}

Result<std::vector<SiteDoor>> readPeersOf(Database& db, const std::string& device) {
    return readDoors(db,
                     "SELECT p.device, p.site, p.device_key, p.address FROM site_doors p"
                     " JOIN site_doors self ON self.device = ?1 AND p.site = self.site"
                     " WHERE p.device <> self.device ORDER BY p.device",
                     &device);
}

} // namespace doorpost::storage
