// `doorpost-central devices list [--json]`: every enrolled principal (doors, auditors, operators)
// with its last contact, version, clock offset, chain and revocation.
// `doorpost-central devices revoke NAME [--reason TEXT]`: a stolen or retired kiosk. Its token
// stops at once (401 naming the revocation, which the door shows its staff); its events stay.

#include "storage/base/iso_time.hpp"
#include "sync/central/cli/central_cli.hpp"
#include "sync/central/status_page.hpp"

#include <chrono>

namespace doorpost::sync::central::cli {

nlohmann::json doorJson(const DoorView& door, std::int64_t now, std::int64_t quietAfterS) {
    nlohmann::json out = {
        {"device", door.name},
        {"role", door.role},
        {"state", doorState(door, now, quietAfterS)},
        {"revoked", door.revoked},
        {"last_contact_ms", door.lastContactMs},
        {"seconds_since_contact", door.lastContactMs > 0
                                      ? nlohmann::json((now - door.lastContactMs) / 1000)
                                      : nlohmann::json(nullptr)},
        {"software_version", door.softwareVersion},
        {"clock_offset_ms",
         door.clockOffsetMs ? nlohmann::json(*door.clockOffsetMs) : nlohmann::json(nullptr)},
        {"epoch", door.epoch},
        {"acked_through", door.ackedThrough},
        {"head_hash", door.headHash},
        {"reported_last_seq", std::max(door.doorLastSeq, door.reportedHeadSeq)},
        {"acked_lag", door.ackedLag},
        {"events", door.events},
        {"quarantined", door.quarantined},
        {"findings", door.findings},
        {"alerts", door.alerts}};
    if (door.revoked) {
        out["revoked_ms"] = door.revokedMs;
        out["revoke_reason"] = door.revokeReason;
    }
    return out;
}

void registerDevicesCommand(CLI::App& app, CentralContext& context) {
    struct Options {
        std::string name;
        std::string reason;
        std::string site;
        std::string peerAddress;
        std::int64_t quietAfterS = 300;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    auto* devices =
        app.add_subcommand("devices", "List enrolled devices; place one at a site; revoke one");
    devices->require_subcommand(1);
    auto* list = devices->add_subcommand("list", "Every enrolled principal and its last contact");
    list->add_option("--quiet-after", options->quietAfterS,
                     "Seconds without contact after which a door is quiet")
        ->capture_default_str();
    list->add_flag("--json", options->json, "One JSON object per device");
    list->callback([&context, options] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        auto doors = (*store)->doors();
        if (!doors) {
            context.exitCode = fail(doors.error());
            return;
        }
        const std::int64_t now = wallClockMs();
        for (const DoorView& door : *doors) {
            if (options->json) {
                printJsonLine(doorJson(door, now, options->quietAfterS));
                continue;
            }
            std::cout << "device=" << door.name << " role=" << door.role
                      << " state=" << doorState(door, now, options->quietAfterS)
                      << " acked_through=" << door.ackedThrough << " acked_lag=" << door.ackedLag
                      << " last_contact_ms=" << door.lastContactMs
                      << " version=" << (door.softwareVersion.empty() ? "-" : door.softwareVersion)
                      << '\n';
        }
    });
    auto* site = devices->add_subcommand(
        "site", "Put a door at a site (its peers are the site's other doors; docs/mesh.md)");
    site->add_option("NAME", options->name, "Device name")->required();
    site->add_option("SITE", options->site, "Site name (\"\" takes the door out of its site)")
        ->required();
    site->add_option("--peer-address", options->peerAddress,
                     "HOST:PORT where the door serves its peers (its --mesh-listen)");
    site->add_flag("--json", options->json, "One JSON object");
    site->callback([&context, options] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        if (auto set = (*store)->setDeviceSite(options->name, options->site, options->peerAddress);
            !set) {
            context.exitCode = fail(set.error());
            return;
        }
        if (options->json)
            printJsonLine({{"device", options->name},
                           {"site", options->site},
                           {"peer_address", options->peerAddress}});
        else
            std::cout << "device=" << options->name << "\nsite=" << options->site
                      << "\npeer_address=" << options->peerAddress << '\n';
    });
    auto* revoke = devices->add_subcommand("revoke", "Stop a device's token at once");
    revoke->add_option("NAME", options->name, "Device name")->required();
    revoke->add_option("--reason", options->reason, "Why (shown at the door)");
    revoke->add_flag("--json", options->json, "One JSON object");
    revoke->callback([&context, options] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        auto at = (*store)->revokeDevice(options->name, options->reason);
        if (!at) {
            context.exitCode = fail(at.error());
            return;
        }
        // A revoked door is no one's peer any more: its item leaves the site set.
        if (auto withdrawn = (*store)->publishSiteDoor(options->name); !withdrawn) {
            context.exitCode = fail(withdrawn.error());
            return;
        }
        if (options->json)
            printJsonLine({{"device", options->name},
                           {"revoked", true},
                           {"revoked_ms", *at},
                           {"reason", options->reason}});
        else
            std::cout << "revoked=" << options->name << "\nrevoked_ms=" << *at << '\n';
    });
}

} // namespace doorpost::sync::central::cli
