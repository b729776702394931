// Issue 19's scenario with every part its own process on loopback: a central and three doors of
// one site (`doorpost run --headless`, each with its sync worker and its mesh). The central
// stops; a ticket admitted at A is REFERred at B and C once they know it (within a second); B
// and C, cut off from A, still admit others at once and catch each other's duplicates; the
// partition heals and everyone holds everyone's chain; the central returns and holds every
// door's chain exactly once, with the duplicates the doors caught noted as such.
//
// The partition is a FaultProxy on each path to and from A (B and C reach A, and A reaches
// them, only through it); B and C talk directly.

#include "drivers/camera/image_file.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/sync/fault_proxy.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace doorpost::sync::peer {
namespace {

using namespace std::chrono_literals;
using doorpost::test::runBinary;

#ifdef DOORPOST_SANITIZED
constexpr auto kKnownWithin = 4s; // ASan+UBSan: every process runs several times slower
#else
constexpr auto kKnownWithin = 1s;
#endif

// A valid GB 11643 resident ID number for person `n` (born 1990-03-07 in 110105).
std::string idNumber(int n) {
    std::string id = "11010519900307" + std::to_string(100 + n);
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i)
        sum += (id[static_cast<std::size_t>(i)] - '0') * kWeights[i];
    return id + "10X98765432"[sum % 11];
}

std::string candidate(int n) {
    return "20261207" + std::to_string(10000 + n);
}

bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

struct Door {
    std::string name;
    std::string db;
    std::string token;
    int port = 0;                         // where its mesh listens
    std::vector<std::string> peerOptions; // --mesh-peer overrides (the paths through proxies)
    pid_t pid = -1;

    nlohmann::json status() const {
        auto run = runBinary("doorpost", "--db " + db + " status --json");
        INFO(run.err);
        REQUIRE(run.exitCode == 0);
        return nlohmann::json::parse(run.out);
    }
    nlohmann::json scan(int person) const {
        auto run =
            runBinary("doorpost", "--db " + db + " scan --json --text TKT:" + candidate(person));
        INFO(run.err);
        REQUIRE(run.exitCode <= 1); // 1: a negative verdict
        return nlohmann::json::parse(run.out);
    }
    // How far this door holds `other`'s chain.
    std::int64_t holds(const Door& other) const {
        const nlohmann::json now = status();
        for (const auto& door : now["mesh"]["doors"])
            if (door["device"] == other.name)
                return door["seq"].get<std::int64_t>();
        return -1;
    }
};

} // namespace

TEST_CASE("Three doors agree while the central is down, and the central then holds all once",
          "[peer][scenario]") {
    doorpost::test::TempDir dir;
    const std::string store = dir.file("central.db");
    const std::string centralDir = dir.file("central");
    doorpost::test::CentralProcess central(store, doorpost::test::freePort(), centralDir);
    central.start();
    const std::string centralArgs = "--data-dir " + centralDir + " --store " + store + " ";

    // The exam roster: six candidates with their ID numbers (subject keys at the central).
    {
        std::ofstream roster(dir.file("roster.csv"));
        roster << "candidate_number,name,id_number,session,room,seat\n";
        for (int n = 1; n <= 6; ++n)
            roster << candidate(n) << ",Person " << n << "," << idNumber(n) << ",am,101," << n
                   << "\n";
    }
    auto imported =
        runBinary("doorpost-central", centralArgs + "roster import " + dir.file("roster.csv"));
    INFO(imported.err);
    REQUIRE(imported.exitCode == 0);

    // The doors and the paths to and from A through proxies that can be cut.
    std::map<std::string, Door> doors;
    for (const char* name : {"door-a", "door-b", "door-c"})
        doors[name] =
            Door{name, dir.file(std::string(name) + ".db"), "", doorpost::test::freePort()};
    Door& a = doors["door-a"];
    Door& b = doors["door-b"];
    Door& c = doors["door-c"];
    test::FaultProxy toA({a.port}); // used by B and C
    test::FaultProxy toB({b.port}); // used by A
    test::FaultProxy toC({c.port}); // used by A
    const auto via = [](const std::string& device, const test::FaultProxy& proxy) {
        return "--mesh-peer " + device + "=127.0.0.1:" + std::to_string(proxy.port());
    };
    b.peerOptions = {via("door-a", toA)};
    c.peerOptions = {via("door-a", toA)};
    a.peerOptions = {via("door-b", toB), via("door-c", toC)};

    // Enrolled at the site with their addresses; two sync rounds each (the second brings the
    // site set with every door's key, published as each enrolled).
    for (auto& [name, door] : doors) {
        auto enrolled = runBinary("doorpost-central", centralArgs + "enroll " + name +
                                                          " --site hall --peer-address 127.0.0.1:" +
                                                          std::to_string(door.port));
        INFO(enrolled.err);
        REQUIRE(enrolled.exitCode == 0);
        door.token = enrolled.out.substr(0, enrolled.out.find('\n'));
    }
    for (int round = 0; round < 2; ++round)
        for (auto& [name, door] : doors) {
            auto synced = runBinary("doorpost", "--db " + door.db + " sync --once --central " +
                                                    central.url() + " --token " + door.token);
            INFO(name << ": " << synced.err);
            REQUIRE(synced.exitCode == 0);
        }
    for (auto& [name, door] : doors) {
        REQUIRE(door.status()["mesh"]["peers"] == 2);
    }

    // The kiosks: a blank camera picture (nothing to read), sync and mesh running.
    std::filesystem::create_directories(dir.file("camera"));
    std::vector<std::uint8_t> grey(64 * 48, 128);
    REQUIRE(drivers::camera::saveLumaPng(drivers::camera::LumaView(grey.data(), 64, 48, 64),
                                         dir.file("camera") + "/blank.png")
                .ok());
    for (auto& [name, door] : doors) {
        std::vector<std::string> argv{std::string(DOORPOST_BIN_DIR) + "/doorpost",
                                      "--db",
                                      door.db,
                                      "run",
                                      "--headless",
                                      "--no-usb",
                                      "--no-sound",
                                      "--replay",
                                      dir.file("camera"),
                                      "--size",
                                      "640x400",
                                      "--frames",
                                      "100000",
                                      "--central",
                                      central.url(),
                                      "--token",
                                      door.token,
                                      "--mesh-listen",
                                      "127.0.0.1:" + std::to_string(door.port)};
        for (const std::string& option : door.peerOptions) {
            argv.push_back("--mesh-peer");
            argv.push_back(option.substr(std::string("--mesh-peer ").size()));
        }
        door.pid = doorpost::test::spawnProcess(argv, dir.file(name + ".log"));
        REQUIRE(door.pid > 0);
    }
    struct StopDoors {
        std::map<std::string, Door>& doors;
        ~StopDoors() {
            for (auto& [name, door] : doors)
                if (door.pid > 0) {
                    ::kill(door.pid, SIGTERM);
                    doorpost::test::waitProcess(door.pid);
                    door.pid = -1;
                }
        }
    } stopDoors{doors};
    // Everyone holds everyone (the doors' own start-up events included).
    const auto converged = [&] {
        for (auto& [name, door] : doors)
            for (auto& [otherName, other] : doors)
                if (name != otherName && door.holds(other) != other.status()["last_seq"])
                    return false;
        return true;
    };
    const auto logs = [&] {
        std::string text;
        for (auto& [name, door] : doors) {
            std::ifstream in(dir.file(name + ".log"));
            text +=
                "--- " + name + "\n" +
                std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            text += "status: " + door.status().dump() + "\n";
        }
        return text;
    };
    if (!waitFor(converged, 60s))
        FAIL("the doors did not converge\n" << logs());

    // The central goes away.
    central.kill();

    // A ticket admitted at A is known at B and C within a second, and refused there.
    auto first = a.scan(1);
    REQUIRE(first["verdict"] == "ADMIT");
    const auto admittedAt = std::chrono::steady_clock::now();
    const std::int64_t seqAtA = first["seq"];
    if (!waitFor([&] { return b.holds(a) >= seqAtA && c.holds(a) >= seqAtA; }, kKnownWithin + 2s))
        FAIL("B and C did not learn of A's admission\n" << logs());
    const auto knownAfter = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - admittedAt);
    INFO("known at B and C after " << knownAfter.count() << " ms (each status read included)");
    for (const Door* door : {&b, &c}) {
        auto again = door->scan(1);
        CHECK(again["verdict"] == "REFER");
        CHECK(again["reasons"][0] == "peer_already_admitted");
        CHECK(again["already_admitted"]["door"] == "door-a");
        CHECK(again["already_admitted"]["peer_device"] == "door-a");
        CHECK(again["already_admitted"]["peer_seq"] == seqAtA);
    }

    // A is cut off. B and C still decide at once, and still catch each other's duplicates.
    toA.partition(true);
    toB.partition(true);
    toC.partition(true);
    const auto cut = std::chrono::steady_clock::now();
    auto atB = b.scan(2);
    CHECK(atB["verdict"] == "ADMIT");
    auto atC = c.scan(3);
    CHECK(atC["verdict"] == "ADMIT");
    const auto decidedIn = std::chrono::steady_clock::now() - cut;
    CHECK(decidedIn < 10s); // two CLI processes; nothing waits on the unreachable door
    const std::int64_t seqAtB = atB["seq"];
    REQUIRE(waitFor([&] { return c.holds(b) >= seqAtB; }, kKnownWithin + 2s));
    auto caughtAtC = c.scan(2);
    CHECK(caughtAtC["verdict"] == "REFER");
    CHECK(caughtAtC["reasons"][0] == "peer_already_admitted");
    auto atA = a.scan(4);
    CHECK(atA["verdict"] == "ADMIT");
    // A does not hear of B's admission while cut off.
    std::this_thread::sleep_for(1500ms);
    CHECK(a.holds(b) < seqAtB);

    // The partition heals: everyone converges.
    toA.partition(false);
    toB.partition(false);
    toC.partition(false);
    REQUIRE(waitFor(converged, 30s));
    auto lateAtA = a.scan(2);
    CHECK(lateAtA["reasons"][0] == "peer_already_admitted");
    CHECK(lateAtA["already_admitted"]["door"] == "door-b");

    // The central returns on its port: every door's chain arrives exactly once.
    central.start();
    std::map<std::string, nlohmann::json> heads;
    for (auto& [name, door] : doors)
        heads[name] = door.status();
    const auto centralHolds = [&] {
        auto stats = runBinary("doorpost-central", centralArgs + "stats --json");
        if (stats.exitCode != 0)
            return false;
        const auto json = nlohmann::json::parse(stats.out);
        int complete = 0;
        for (const auto& chain : json["chains"]) {
            const auto& head = heads[chain["device"].get<std::string>()];
            if (chain["epoch"] == head["epoch"] && chain["acked_through"] == head["last_seq"] &&
                chain["events"] == head["last_seq"] && chain["head_hash"] == head["head_hash"])
                ++complete;
        }
        return complete == 3;
    };
    REQUIRE(waitFor(centralHolds, 60s));
    auto stats =
        nlohmann::json::parse(runBinary("doorpost-central", centralArgs + "stats --json").out);
    CHECK(stats["caught_at_doors"] == 4); // person 1 at B and C, person 2 at C and A
    for (auto& [name, door] : doors) {
        auto full = runBinary("doorpost", "--db " + door.db + " status --full --json");
        CHECK(full.exitCode == 0);
        CHECK(nlohmann::json::parse(full.out)["chain_ok"] == true);
    }
}

} // namespace doorpost::sync::peer
