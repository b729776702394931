// doorpost-central keys [--rotate] [--json]: creates the first issuer key (or, with --rotate, a
// new active one) in the data dir and publishes the public keys for kiosks. Layout:
// issuer_keys.hpp.

#include "sync/central/cli/command_registry.hpp"
#include "sync/central/cli/issuer_keys.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace doorpost::sync::central::cli {

void registerKeysCommand(CLI::App& app, CentralContext& context) {
    auto* command = app.add_subcommand(
        "keys", "Create or rotate the Ed25519 keys passes are signed with; publish public keys");
    struct Options {
        bool rotate = false;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    command->add_flag("--rotate", options->rotate,
                      "Make a new active key (older keys stay published until passes expire)");
    command->add_flag("--json", options->json, "One JSON object per key");
    command->callback([options, &context] {
        auto store = IssuerKeyStore::open(context.global.dataDir);
        if (!store) {
            std::cerr << "doorpost-central: " << store.error().message << '\n';
            context.exitCode = store.error().kind == ErrorKind::Environment ? 3 : 2;
            return;
        }
        if (options->rotate || store->keys().empty()) {
            auto created = store->rotate();
            if (!created) {
                std::cerr << "doorpost-central: " << created.error().message << '\n';
                context.exitCode = created.error().kind == ErrorKind::Environment ? 3 : 2;
                return;
            }
        }
        for (const auto& key : store->keys()) {
            if (options->json) {
                std::cout << nlohmann::json{{"kid", key.kid},
                                            {"created_at", key.createdAt},
                                            {"active", key.active},
                                            {"public_keys", store->publicKeysPath()}}
                                 .dump()
                          << '\n';
            } else {
                std::cout << key.kid << (key.active ? "  active" : "  retired") << '\n';
            }
        }
        if (!options->json)
            std::cout << "published: " << store->publicKeysPath() << '\n';
        context.exitCode = 0;
    });
}

} // namespace doorpost::sync::central::cli
