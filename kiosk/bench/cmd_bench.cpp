// `doorpost bench`: the parent of every benchmark (`bench write`, `bench decode`, ...).

#include "kiosk/bench/bench_registry.hpp"

namespace doorpost::kiosk::bench {

CLI::App& benchCommand(CLI::App& app) {
    auto existing =
        app.get_subcommands([](const CLI::App* sub) { return sub->get_name() == "bench"; });
    if (!existing.empty()) {
        return *existing.front();
    }
    CLI::App* bench = app.add_subcommand(
        "bench", "Benchmarks: each prints name=value lines and a ratio= to a baseline measured "
                 "in the same run");
    bench->require_subcommand(1);
    return *bench;
}

void registerBenchCommands(CLI::App& app, CommandContext& context) {
    registerBenchWriteCommand(app, context);
    registerBenchStorageCommand(app, context);
    registerBenchDecodeCommand(app, context);
    registerBenchVerifyCommand(app, context);
    registerBenchExportCommand(app, context);
    registerBenchSubjectKeyCommand(app, context);
    registerBenchUiCommand(app, context);
    registerBenchDoorCommand(app, context);
    registerBenchMeshCommand(app, context);
}

} // namespace doorpost::kiosk::bench
