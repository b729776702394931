// `doorpost-central enroll NAME`: registers a device and prints its bearer token (shown once;
// the store keeps only its hash).

#include "sync/central/cli/central_cli.hpp"

namespace doorpost::sync::central::cli {

void registerEnrollCommand(CLI::App& app, CentralContext& context) {
    struct Options {
        std::string name;
        bool replace = false;
        bool json = false;
        std::string site;
        std::string peerAddress;
    };
    auto options = std::make_shared<Options>();
    auto* command = app.add_subcommand("enroll", "Enrol a device and print its token");
    command->add_option("NAME", options->name, "Device name (letters, digits, - _ .)")->required();
    command->add_flag("--replace", options->replace, "Issue a new token for an enrolled device");
    command->add_flag("--json", options->json, "One JSON object per line");
    command->add_option("--site", options->site,
                        "The site the door stands at: its peers are the site's other doors");
    command->add_option("--peer-address", options->peerAddress,
                        "HOST:PORT where the door serves its peers (its --mesh-listen)");
    command->callback([&context, options] {
        // Checked before the token is made: a refused option enrols nothing.
        if (auto checked = CentralStore::checkSite(options->site, options->peerAddress); !checked) {
            context.exitCode = fail(checked.error());
            return;
        }
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        auto token = (*store)->enrollDevice(options->name, options->replace);
        if (!token) {
            context.exitCode = fail(token.error());
            return;
        }
        // The site set follows the token: a replaced token lifts a revocation's withdrawal.
        auto sited = options->site.empty() ? (*store)->publishSiteDoor(options->name)
                                           : (*store)->setDeviceSite(options->name, options->site,
                                                                     options->peerAddress);
        if (!sited) {
            context.exitCode = fail(sited.error());
            return;
        }
        if (options->json)
            printJsonLine({{"device", options->name}, {"token", *token}});
        else
            std::cout << *token << '\n';
    });
}

} // namespace doorpost::sync::central::cli
