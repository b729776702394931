// `doorpost bench mesh`: how soon an admission at one door is known at another of its site
// (docs/mesh.md). Two doors with their own databases, device keys and the site set, each running
// the product's mesh node (sync/peer/mesh.hpp) on loopback; door A records admissions one at a
// time, as its gate does (one committed event each), at random gaps, and door B's peer log is
// watched until it holds each one. The same-run baseline is the admission's own commit at A:
// the mesh's delay is reported beside it and as a ratio.

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/bench/bench_support.hpp"
#include "storage/database.hpp"
#include "storage/device_key.hpp"
#include "storage/event_log.hpp"
#include "storage/peer_log.hpp"
#include "storage/site_doors.hpp"
#include "sync/peer/mesh.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>
#include <unistd.h>

namespace doorpost::kiosk::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchMeshOptions {
    int admissions = 1000;
    int maxGapMs = 50;
};

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// One door of the benchmark's site: its database, enrolled as `device`.
struct BenchDoor {
    std::string path;
    std::string device;
    std::string publicKey;
};

Result<BenchDoor> makeDoor(const std::string& dir, const std::string& device) {
    BenchDoor door{dir + "/" + device + ".db", device, ""};
    auto db = storage::Database::open(door.path);
    if (!db)
        return db.error();
    auto log = storage::EventLog::open(*db);
    if (!log)
        return log.error();
    if (auto named = log->setDeviceId(device); !named)
        return named.error();
    auto key = storage::devicePublicKey(*db);
    if (!key)
        return key.error();
    door.publicKey = *key;
    return door;
}

// The site set as the kiosk applies it from the central (here written directly).
Result<void> publishSite(const std::string& path, const std::vector<storage::SiteDoor>& site) {
    auto db = storage::Database::open(path);
    if (!db)
        return db.error();
    auto transaction = storage::Transaction::begin(*db);
    if (!transaction)
        return transaction.error();
    if (auto replaced = storage::replaceSiteDoors(*db, site); !replaced)
        return replaced.error();
    return transaction->commit();
}

int runBenchMesh(const GlobalOptions& global, const BenchMeshOptions& options) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("doorpost-bench-mesh-" + std::to_string(getpid()));
    fs::create_directories(dir);
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
    } cleanup{dir};
    auto a = makeDoor(dir.string(), "bench-door-a");
    auto b = a ? makeDoor(dir.string(), "bench-door-b") : Result<BenchDoor>(a.error());
    if (!b)
        return fail(b.error());

    // A serves on a port of its own choosing; B pulls it through the address the site names.
    sync::peer::MeshOptions serving;
    serving.dbPath = a->path;
    serving.listen = "127.0.0.1:0";
    std::vector<storage::SiteDoor> site{{a->device, "bench", a->publicKey, ""},
                                        {b->device, "bench", b->publicKey, ""}};
    if (auto published = publishSite(a->path, site); !published)
        return fail(published.error());
    sync::peer::Mesh meshA(serving);
    if (auto started = meshA.start(); !started)
        return fail(started.error());
    site[0].address = "127.0.0.1:" + std::to_string(meshA.status().port);
    if (auto published = publishSite(b->path, site); !published)
        return fail(published.error());
    sync::peer::MeshOptions pulling;
    pulling.dbPath = b->path;
    sync::peer::Mesh meshB(pulling);
    if (auto started = meshB.start(); !started)
        return fail(started.error());

    auto dbA = storage::Database::open(a->path);
    auto dbB = dbA ? storage::Database::open(b->path) : Result<storage::Database>(dbA.error());
    if (!dbB)
        return fail(dbB.error());
    auto logA = storage::EventLog::open(*dbA);
    auto peersB = storage::PeerLog::open(*dbB);
    if (!logA || !peersB)
        return fail(!logA ? logA.error() : peersB.error());
    const std::string epochA = logA->epoch();
    const auto heldAt = [&]() -> std::int64_t {
        auto head = peersB->head(a->device, epochA);
        return head && *head ? (*head)->seq : 0;
    };
    // B's puller is running once it holds A's chain as it stands.
    if (auto first = logA->append(syntheticScanOf(0)); !first)
        return fail(first.error());
    const auto startDeadline = Clock::now() + std::chrono::seconds(30);
    while (heldAt() < 1 && Clock::now() < startDeadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (heldAt() < 1)
        return fail(environmentFault("bench mesh: door B never reached door A"));

    std::mt19937_64 random(7);
    std::vector<double> commitMs;
    std::vector<double> knownMs;
    int late = 0;
    for (int i = 1; i <= options.admissions; ++i) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(random() % static_cast<unsigned>(options.maxGapMs + 1)));
        const auto admitted = Clock::now();
        auto seq = logA->append(syntheticScanOf(static_cast<std::uint64_t>(i)));
        if (!seq)
            return fail(seq.error());
        commitMs.push_back(msSince(admitted));
        // B is watched every millisecond, for up to ten seconds per admission.
        const auto deadline = admitted + std::chrono::seconds(10);
        while (heldAt() < *seq && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (heldAt() < *seq)
            return fail(environmentFault("bench mesh: admission " + std::to_string(*seq) +
                                         " not known at door B after 10 s"));
        knownMs.push_back(msSince(admitted));
        if (knownMs.back() > 1000.0)
            ++late;
    }
    meshB.stop();
    meshA.stop();
    const double commitP50 = quantile(commitMs, 0.50);
    const double knownP50 = quantile(knownMs, 0.50);
    const double knownP99 = quantile(knownMs, 0.99);
    std::cout << "mesh_admissions=" << options.admissions << '\n'
              << "mesh_commit_p50_ms=" << commitP50 << '\n'
              << "mesh_known_p50_ms=" << knownP50 << '\n'
              << "mesh_known_p99_ms=" << knownP99 << '\n'
              << "mesh_known_max_ms=" << quantile(knownMs, 1.0) << '\n'
              << "mesh_known_over_1s=" << late << '\n'
              << "mesh_known_p99_over_commit_p50=" << (commitP50 > 0 ? knownP99 / commitP50 : 0)
              << '\n'
              << "mesh_within_target=" << (knownP99 <= 1000.0 ? "true" : "false") << '\n';
    (void)global;
    return kExitOk;
}

} // namespace

void registerBenchMeshCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<BenchMeshOptions>();
    CLI::App* cmd = benchCommand(app).add_subcommand(
        "mesh", "Time from an admission at one door to its being known at a peer door");
    cmd->add_option("--admissions", options->admissions, "Admissions recorded at door A")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-gap-ms", options->maxGapMs, "Random pause before each, up to this")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->callback(
        [&context, options] { context.exitCode = runBenchMesh(context.global, *options); });
}

} // namespace doorpost::kiosk::bench
