#include "sync/peer/mesh.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/base/journal_log.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/site_doors.hpp"
#include "sync/peer/peer_wire.hpp"
#include "sync/protocol.hpp"

#include <optional>

namespace doorpost::sync::peer {
namespace {

// Why a known peer is not pulled; empty when it can be.
std::string unpullable(const PeerTarget& target) {
    if (target.address.empty())
        return "no address published (--mesh-peer names one)";
    if (!parseHostPort(target.address) || parseHostPort(target.address)->port == 0)
        return "address " + target.address + " is not HOST:PORT";
    if (!isHexHash(target.deviceKey))
        return "no enrolment key published";
    if (!isDeviceId(target.device))
        return "device id is not usable";
    return "";
}

} // namespace

Result<std::pair<std::string, std::string>> parseMeshPeer(const std::string& text) {
    const auto equals = text.find('=');
    if (equals == std::string::npos)
        return badInput("--mesh-peer " + text + ": not DEVICE=HOST:PORT");
    std::string device = text.substr(0, equals);
    std::string address = text.substr(equals + 1);
    if (!isDeviceId(device))
        return badInput("--mesh-peer " + text + ": device id is not [A-Za-z0-9._-]+");
    auto parsed = parseHostPort(address);
    if (!parsed || parsed->port == 0)
        return badInput("--mesh-peer " + text + ": " +
                        (parsed ? "port 0" : parsed.error().message));
    return std::pair{std::move(device), std::move(address)};
}

Mesh::Mesh(MeshOptions options) : m_options(std::move(options)) {}

Mesh::~Mesh() {
    stop();
}

Result<void> Mesh::start() {
    {
        // Without quick_check: the door checked the file as it started, and this runs on the
        // thread that is about to draw the first frame.
        storage::OpenOptions options;
        options.quickCheck = false;
        auto db = storage::Database::open(m_options.dbPath, options);
        if (!db)
            return db.error();
        auto key = storage::loadOrCreateDeviceKey(*db);
        if (!key)
            return key.error();
        m_key = *key;
    }
    if (!m_options.listen.empty()) {
        auto address = parseHostPort(m_options.listen);
        if (!address)
            return badInput("--mesh-listen: " + address.error().message);
        PeerServerOptions options;
        options.dbPath = m_options.dbPath;
        options.host = address->host;
        options.port = address->port;
        options.pollInterval = m_options.pollInterval;
        options.perAddressLimit = m_options.perAddressLimit;
        m_server = std::make_unique<PeerServer>(options, m_key);
        auto port = m_server->start();
        if (!port) {
            m_server.reset();
            return port.error();
        }
        m_port = *port;
        logLine(LogPriority::Info, "doorpost",
                "mesh: serving peers on " + address->host + ":" + std::to_string(m_port));
    }
    std::lock_guard lock(m_mutex);
    m_stopping = false;
    m_running = true;
    m_thread = std::thread([this] { run(); });
    return {};
}

void Mesh::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    // The refresh thread has ended: the pullers are this thread's to stop, all at once.
    std::map<std::string, std::unique_ptr<PeerPuller>> pullers;
    {
        std::lock_guard lock(m_mutex);
        pullers.swap(m_pullers);
        m_running = false;
    }
    for (auto& [device, puller] : pullers)
        puller->signalStop();
    pullers.clear();
    if (m_server)
        m_server->stop();
}

MeshStatus Mesh::status() const {
    MeshStatus out;
    const std::int64_t now = wallClockMs();
    std::lock_guard lock(m_mutex);
    out.running = m_running;
    out.ownDevice = m_ownDevice;
    out.port = m_port;
    for (const PeerTarget& target : m_known) {
        const auto it = m_pullers.find(target.device);
        PeerStatus peer;
        if (it != m_pullers.end()) {
            peer = it->second->status(); // the puller's own short lock, never the reverse
        } else {
            peer.device = target.device;
            peer.address = target.address;
            peer.lastError = unpullable(target);
        }
        out.known += 1;
        out.reachable += peer.reachable ? 1 : 0;
        if (peer.lastOkMs > 0)
            out.oldestAgeMs =
                std::max(out.oldestAgeMs, std::max<std::int64_t>(0, now - peer.lastOkMs));
        out.peers.push_back(std::move(peer));
    }
    return out;
}

void Mesh::run() {
    std::string loggedProblem;
    // The refresh thread's own connection, kept between refreshes and opened again after a
    // failure.
    std::optional<storage::Database> db;
    std::optional<storage::EventLog> log;
    for (;;) {
        refresh(db, log, loggedProblem);
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_for(lock, m_options.refreshEvery, [this] { return m_stopping; }))
            return;
    }
}

void Mesh::refresh(std::optional<storage::Database>& db, std::optional<storage::EventLog>& log,
                   std::string& loggedProblem) {
    std::string problem;
    std::vector<storage::SiteDoor> doors;
    std::string own;
    if (!log) {
        log.reset();
        db.reset();
        storage::OpenOptions options;
        options.quickCheck = false;
        auto opened = storage::Database::open(m_options.dbPath, options);
        if (!opened) {
            problem = opened.error().message;
        } else {
            db.emplace(std::move(*opened));
            auto events = storage::EventLog::open(*db); // borrows *db, which outlives it
            if (events)
                log.emplace(std::move(*events));
            else
                problem = events.error().message;
        }
    }
    if (log) {
        auto status = log->status();
        auto peers = status ? storage::readPeersOf(*db, status->deviceId)
                            : Result<std::vector<storage::SiteDoor>>(status.error());
        if (!peers) {
            problem = peers.error().message;
            log.reset(); // open afresh next time
        } else {
            own = status->deviceId;
            doors = std::move(*peers);
        }
    }
    if (problem != loggedProblem) {
        if (!problem.empty())
            logLine(LogPriority::Warning, "doorpost",
                    "mesh: cannot read the site's doors, keeping the peers as they were: " +
                        problem);
        loggedProblem = problem;
    }
    if (!problem.empty())
        return;

    std::vector<PeerTarget> known;
    for (const auto& door : doors) {
        const auto override = m_options.peerAddresses.find(door.device);
        known.push_back(
            {door.device,
             override != m_options.peerAddresses.end() ? override->second : door.address,
             door.deviceKey});
    }
    std::vector<std::unique_ptr<PeerPuller>> retired;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        const bool renamed = own != m_ownDevice; // requests name this door: all start again
        for (auto it = m_pullers.begin(); it != m_pullers.end();) {
            const bool keep = !renamed;
            bool same = false;
            for (const auto& target : known)
                same = same || (target == it->second->target() && unpullable(target).empty());
            if (keep && same) {
                ++it;
            } else {
                it->second->signalStop();
                retired.push_back(std::move(it->second));
                it = m_pullers.erase(it);
            }
        }
        for (const auto& target : known) {
            if (!unpullable(target).empty() || m_pullers.count(target.device))
                continue;
            PullerOptions pull;
            pull.dbPath = m_options.dbPath;
            pull.ownDevice = own;
            pull.ownKey = m_key;
            pull.wait = m_options.wait;
            pull.connectTimeout = m_options.connectTimeout;
            pull.backoffBase = m_options.backoffBase;
            pull.backoffCap = m_options.backoffCap;
            pull.touchEvery = m_options.touchEvery;
            auto puller = std::make_unique<PeerPuller>(target, pull);
            puller->start();
            m_pullers.emplace(target.device, std::move(puller));
        }
        m_ownDevice = own;
        m_known = std::move(known);
    }
    retired.clear(); // joins, outside the lock: a puller ends after its request in flight
}

} // namespace doorpost::sync::peer
