// `doorpost bench`: the parent of every benchmark (`bench write`, `bench decode`, ...). Each
// benchmark lives in its own cmd_bench_<what>.cpp and hangs itself under this command through
// benchCommand(), so adding one touches no other benchmark's file.

#include "kiosk/cli/command_registry.hpp"

namespace doorpost::kiosk {

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

} // namespace doorpost::kiosk
