// `doorpost-central stats`: events per device, the last chain head per device, conflicts, and
// the doors not heard from within --quiet-after seconds (quiet) or revoked.

#include "sync/central/cli/central_cli.hpp"
#include "sync/central/status_page.hpp"

#include <chrono>

namespace doorpost::sync::central::cli {

nlohmann::json statsJson(const CentralStats& stats) {
    nlohmann::json chains = nlohmann::json::array();
    for (const auto& chain : stats.chains)
        chains.push_back({{"device", chain.device},
                          {"epoch", chain.epoch},
                          {"events", chain.events},
                          {"quarantined", chain.quarantined},
                          {"acked_through", chain.ackedThrough},
                          {"head_hash", chain.headHash}});
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& item : stats.findings) {
        nlohmann::json finding = toJson(item.finding);
        finding["device"] = item.device;
        finding["epoch"] = item.epoch;
        findings.push_back(std::move(finding));
    }
    return {{"devices", stats.devices},
            {"events", stats.events},
            {"alerts", stats.alerts},
            {"conflicts", stats.findings.size()},
            {"caught_at_doors", stats.caughtAtDoors},
            {"chains", chains},
            {"findings", findings}};
}

void registerStatsCommand(CLI::App& app, CentralContext& context) {
    auto json = std::make_shared<bool>(false);
    auto quietAfterS = std::make_shared<std::int64_t>(300);
    auto* command = app.add_subcommand("stats", "Events per device, chain heads and conflicts");
    command->add_flag("--json", *json, "One JSON object");
    command
        ->add_option("--quiet-after", *quietAfterS,
                     "Seconds without contact after which a door is listed as quiet")
        ->capture_default_str();
    command->callback([&context, json, quietAfterS] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        auto stats = (*store)->stats();
        if (!stats) {
            context.exitCode = fail(stats.error());
            return;
        }
        auto doors = (*store)->doors();
        if (!doors) {
            context.exitCode = fail(doors.error());
            return;
        }
        const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        nlohmann::json quiet = nlohmann::json::array();
        nlohmann::json revoked = nlohmann::json::array();
        for (const DoorView& door : *doors) {
            if (door.role != "door")
                continue;
            if (door.revoked)
                revoked.push_back(doorJson(door, now, *quietAfterS));
            else if (doorState(door, now, *quietAfterS) == "quiet")
                quiet.push_back(doorJson(door, now, *quietAfterS));
        }
        if (*json) {
            nlohmann::json out = statsJson(*stats);
            out["quiet_after_s"] = *quietAfterS;
            out["quiet"] = quiet;
            out["revoked"] = revoked;
            printJsonLine(out);
            return;
        }
        for (const auto& door : quiet)
            std::cout << "quiet=" << door["device"].get<std::string>() << '\n';
        for (const auto& door : revoked)
            std::cout << "revoked=" << door["device"].get<std::string>() << '\n';
        std::cout << "devices=" << stats->devices << "\nevents=" << stats->events
                  << "\nconflicts=" << stats->findings.size() << "\nalerts=" << stats->alerts
                  << "\ncaught_at_doors=" << stats->caughtAtDoors << '\n';
        for (const auto& chain : stats->chains)
            std::cout << "device=" << chain.device << " epoch=" << chain.epoch
                      << " events=" << chain.events << " acked_through=" << chain.ackedThrough
                      << " head_hash=" << chain.headHash << '\n';
        for (const auto& item : stats->findings)
            std::cout << "finding=" << item.finding.kind << " device=" << item.device
                      << " seq=" << item.finding.seq << " other_device=" << item.finding.otherDevice
                      << " detail=\"" << item.finding.detail << "\"\n";
    });
}

} // namespace doorpost::sync::central::cli
