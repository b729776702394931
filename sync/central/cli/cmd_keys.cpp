// doorpost-central keys [--rotate] [--sealing-key-out FILE [--passphrase-file P]] [--json]:
// creates the first issuer key (or, with --rotate, a new active one) in the data dir and
// publishes the public keys for kiosks. With --sealing-key-out, also makes a sealing key pair
// (the first, or a rotation) whose secret half goes, passphrase-protected, into FILE for an
// auditor to keep: the central keeps only the public half. Layout: issuer_keys.hpp.

#include "sync/central/cli/command_registry.hpp"
#include "sync/central/cli/issuer_keys.hpp"
#include "sync/central/cli/sealing_key_file.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace doorpost::sync::central::cli {
namespace {

int report(const Error& error) {
    std::cerr << "doorpost-central: " << error.message << '\n';
    return error.kind == ErrorKind::Environment ? 3 : 2;
}

} // namespace

void registerKeysCommand(CLI::App& app, CentralContext& context) {
    auto* command = app.add_subcommand(
        "keys", "Create or rotate the keys passes are signed with and ID numbers are sealed to");
    struct Options {
        bool rotate = false;
        bool json = false;
        std::string sealingKeyOut;
        std::string passphraseFile;
    };
    auto options = std::make_shared<Options>();
    command->add_flag("--rotate", options->rotate,
                      "Make a new active issuer key (older keys stay published until passes "
                      "expire)");
    command->add_option("--sealing-key-out", options->sealingKeyOut,
                        "Make a new sealing key pair (the first, or a rotation) and write its "
                        "secret half, passphrase-protected, to this new file for the auditor");
    command->add_option("--passphrase-file", options->passphraseFile,
                        std::string("The sealing key file's passphrase (first line); default: "
                                    "$") +
                            kPassphraseEnv);
    command->add_flag("--json", options->json, "One JSON object per key");
    command->callback([options, &context] {
        // The passphrase is checked before anything is made: nothing half-done on bad input.
        std::string passphrase;
        if (!options->sealingKeyOut.empty()) {
            auto given = sealingPassphrase(options->passphraseFile);
            if (!given) {
                context.exitCode = report(given.error());
                return;
            }
            if (given->size() < 8) {
                context.exitCode = report(badInput("passphrase: at least 8 characters"));
                return;
            }
            passphrase = std::move(*given);
        }
        auto store = IssuerKeyStore::open(context.global.dataDir);
        if (!store) {
            context.exitCode = report(store.error());
            return;
        }
        if (options->rotate || store->keys().empty()) {
            auto created = store->rotate();
            if (!created) {
                context.exitCode = report(created.error());
                return;
            }
        }
        if (!options->sealingKeyOut.empty()) {
            const bool movingOut = store->holdsSealSecret();
            auto sealed = store->newSealingKey(options->sealingKeyOut, passphrase);
            if (!sealed) {
                context.exitCode = report(sealed.error());
                return;
            }
            std::cerr << "doorpost-central: " << (movingOut ? "moved the secret half of" : "made")
                      << " sealing key " << sealed->kid << (movingOut ? " out of the data dir" : "")
                      << " into " << options->sealingKeyOut
                      << ": give it to the auditor; the central keeps only the public half\n";
        } else if (store->holdsSealSecret()) {
            std::cerr << "doorpost-central: warning: keys/seal.json still holds the sealing "
                         "secret; move it to the auditor with --sealing-key-out FILE\n";
        } else if (store->sealKeys().empty()) {
            std::cerr << "doorpost-central: no sealing key yet: manual registrations keep masked "
                         "IDs only until `keys --sealing-key-out FILE`\n";
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
        for (const auto& seal : store->sealKeys()) {
            if (options->json)
                std::cout << nlohmann::json{{"kind", "sealing"},
                                            {"kid", seal.kid},
                                            {"created_at", seal.createdAt},
                                            {"active", seal.active}}
                                 .dump()
                          << '\n';
            else
                std::cout << "sealing " << seal.kid << (seal.active ? "  active" : "  retired")
                          << '\n';
        }
        if (!options->json)
            std::cout << "published: " << store->publicKeysPath() << '\n';
        context.exitCode = 0;
    });
}

} // namespace doorpost::sync::central::cli
