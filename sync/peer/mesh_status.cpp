#include "sync/peer/mesh_status.hpp"

#include "storage/peer_log.hpp"
#include "storage/site_doors.hpp"

namespace doorpost::sync::peer {

Result<StoredMesh> readStoredMesh(storage::Database& db, const std::string& ownDevice,
                                  std::int64_t nowMs, std::int64_t freshMs) {
    auto doors = storage::readPeersOf(db, ownDevice);
    if (!doors)
        return doors.error();
    auto log = storage::PeerLog::open(db);
    if (!log)
        return log.error();
    auto heads = log->heads();
    if (!heads)
        return heads.error();
    StoredMesh mesh;
    for (const auto& door : *doors) {
        StoredPeer peer{door.device, door.address, "", 0, -1};
        std::int64_t newest = -1;
        for (const auto& head : *heads)
            if (head.device == door.device && head.updatedMs > newest) {
                newest = head.updatedMs;
                peer.epoch = head.epoch;
                peer.seq = head.seq;
            }
        if (newest >= 0) {
            peer.ageMs = std::max<std::int64_t>(0, nowMs - newest);
            mesh.fresh += peer.ageMs < freshMs ? 1 : 0;
            mesh.oldestAgeMs = std::max(mesh.oldestAgeMs, peer.ageMs);
        }
        mesh.known += 1;
        mesh.peers.push_back(std::move(peer));
    }
    return mesh;
}

} // namespace doorpost::sync::peer
