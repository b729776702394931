// `doorpost-central roster import FILE`: publishes a site roster (the "roster" set); with
// --replace, candidates missing from FILE are withdrawn (tombstones in the next delta). A
// candidate's ID number (field id_number) is hashed into the subject key at import and dropped.
// `doorpost-central roster compact`: forgets tombstones; kiosks behind it take a full snapshot.

#include "sync/central/cli/central_cli.hpp"
#include "sync/central/roster_id_numbers.hpp"
#include "sync/central/set_import.hpp"

#include <algorithm>

namespace doorpost::sync::central::cli {
namespace {

// ID numbers in the file become subject keys with the deployment's subject secret (kept in the
// store, the one passes are issued with), before anything is stored.
Result<void> hashIdNumbers(CentralStore& store, std::vector<SetItem>& items) {
    const bool any = std::any_of(items.begin(), items.end(), [](const SetItem& item) {
        return item.value.contains(kIdNumberField);
    });
    if (!any)
        return {};
    auto secret = store.subjectSecret();
    if (!secret)
        return secret.error();
    return hashRosterIdNumbers(items, *secret);
}

} // namespace

void registerRosterCommand(CLI::App& app, CentralContext& context) {
    struct Options {
        std::string file;
        std::string keyField;
        std::string validUntil;
        std::string set = "roster";
        bool replace = false;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    auto* roster = app.add_subcommand("roster", "Publish rosters to the devices");
    roster->require_subcommand(1);
    auto* import = roster->add_subcommand("import", "Publish candidates from CSV or JSON Lines");
    import
        ->add_option("FILE", options->file,
                     "CSV with a header row, or .jsonl; field id_number is hashed, never stored")
        ->required();
    import->add_option("--key-field", options->keyField,
                       "Field holding the candidate number"
                       " (default: first column / \"key\")");
    import->add_option("--valid-until", options->validUntil, "ISO 8601 UTC end of validity");
    import->add_flag("--replace", options->replace, "Withdraw candidates missing from FILE");
    import->add_flag("--json", options->json, "One JSON object per line");
    import->callback([&context, options] {
        auto items = readSetItems(options->file, options->keyField);
    if (!items) {
        context.exitCode = fail(items.error());
        return;
    }
    auto store = openStore(context);
    if (!store) {
        context.exitCode = fail(store.error());
        return;
    }
    if (auto hashed = hashIdNumbers(**store, *items); !hashed) {
        context.exitCode = fail(hashed.error());
        return;
    }
    auto version = (*store)->upsertSet("roster", *items, options->validUntil, options->replace);
    if (!version) {
        context.exitCode = fail(version.error());
        return;
    }
    if (options->json)
        printJsonLine({{"set", "roster"}, {"items", items->size()}, {"version", *version}});
    else
        std::cout << "items=" << items->size() << "\nversion=" << *version << '\n';
});
auto* compact = roster->add_subcommand("compact", "Forget tombstones of a set");
compact->add_option("--set", options->set, "roster, denylist, keys or config")
    ->capture_default_str();
compact->callback([&context, options] {
    auto store = openStore(context);
    if (!store) {
        context.exitCode = fail(store.error());
        return;
    }
    if (auto done = (*store)->compactSet(options->set); !done)
        context.exitCode = fail(done.error());
});
} // namespace doorpost::sync::central::cli

} // namespace doorpost::sync::central::cli
