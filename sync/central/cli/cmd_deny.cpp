// `doorpost-central deny add KEY` / `deny remove KEY`: the deny list (the "denylist" set). KEY is
// a pass id or a subject key; --revoked-at-ms dates the revocation so uses before it are fine.

#include "sync/central/cli/central_cli.hpp"

#include <chrono>

namespace doorpost::sync::central::cli {

void registerDenyCommand(CLI::App& app, CentralContext& context) {
    struct Options {
        std::string key;
        std::string reason;
        std::int64_t revokedAtMs = -1;
        std::string validUntil;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    auto* deny = app.add_subcommand("deny", "Publish the deny list");
    deny->require_subcommand(1);
    auto* add = deny->add_subcommand("add", "Deny a pass id or subject key");
    add->add_option("KEY", options->key, "Pass id or subject key")->required();
    add->add_option("--reason", options->reason, "Why (shown to staff)");
    add->add_option("--revoked-at-ms", options->revokedAtMs,
                    "Revocation time, ms since 1970 (default now)");
    add->add_option("--valid-until", options->validUntil,
                    "ISO 8601 UTC end of the list's validity");
    add->add_flag("--json", options->json, "One JSON object");
    add->callback([&context, options] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        std::int64_t at = options->revokedAtMs;
        if (at < 0)
            at = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
        const nlohmann::json value{{"reason", options->reason}, {"revoked_at_ms", at}};
        auto version =
            (*store)->upsertSet("denylist", {{options->key, value}}, options->validUntil, false);
        if (!version) {
            context.exitCode = fail(version.error());
            return;
        }
        if (options->json)
            printJsonLine({{"set", "denylist"},
                           {"denied", options->key},
                           {"revoked_at_ms", at},
                           {"version", *version}});
    });
    auto* remove = deny->add_subcommand("remove", "Lift a denial");
    remove->add_option("KEY", options->key, "Pass id or subject key")->required();
    remove->add_flag("--json", options->json, "One JSON object");
    remove->callback([&context, options] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        auto version = (*store)->removeFromSet("denylist", {options->key});
        if (!version) {
            context.exitCode = fail(version.error());
            return;
        }
        if (options->json)
            printJsonLine({{"set", "denylist"}, {"lifted", options->key}, {"version", *version}});
    });
}

} // namespace doorpost::sync::central::cli
