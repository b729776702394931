// `doorpost-central stats`: events per device, the last chain head per device, conflicts.

#include "sync/central/cli/central_cli.hpp"

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
    return {{"devices", stats.devices}, {"events", stats.events},
            {"alerts", stats.alerts},   {"conflicts", stats.findings.size()},
            {"chains", chains},         {"findings", findings}};
}

void registerStatsCommand(CLI::App& app, CentralContext& context) {
    auto json = std::make_shared<bool>(false);
    auto* command = app.add_subcommand("stats", "Events per device, chain heads and conflicts");
    command->add_flag("--json", *json, "One JSON object");
    command->callback([&context, json] {
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
        if (*json) {
            printJsonLine(statsJson(*stats));
            return;
        }
        std::cout << "devices=" << stats->devices << "\nevents=" << stats->events
                  << "\nconflicts=" << stats->findings.size() << "\nalerts=" << stats->alerts
                  << '\n';
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
