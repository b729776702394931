// `doorpost roster import FILE.csv [--valid-until ISO] [--json]`: replaces the site roster.
// UTF-8 CSV: candidate number, name, ID number, session, room, seat (BOM and header optional).
// A bad row is named with its line and nothing is imported.

#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/gate/roster_csv.hpp"
#include "kiosk/gate/trust_loader.hpp"
#include "storage/roster_store.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace doorpost::kiosk::cli {
namespace {

struct RosterArgs {
    std::string file;
    std::string validUntil;
    bool json = false;
};

int importRoster(const CommandContext& context, const RosterArgs& args) {
    std::ifstream in(args.file, std::ios::binary);
    if (!in)
        return fail(badInput("FILE: cannot read " + args.file));
    std::stringstream text;
    text << in.rdbuf();
    const std::int64_t now = gate::wallClockSeconds();
    auto until = parseClockOption("--valid-until", args.validUntil);
    if (!until)
        return fail(until.error());
    auto db = openKioskDatabase(context.global);
    if (!db)
        return fail(db.error());
    auto trust = gate::loadTrust(*db); // for the subject secret
    if (!trust)
        return fail(trust.error());
    auto entries = gate::parseRosterCsv(text.str(), trust->subjectSecret);
    if (!entries)
        return fail(entries.error());
    storage::RosterInfo info{static_cast<std::int64_t>(entries->size()), args.file, now,
                             until->value_or(now + 7 * 24 * 3600)};
    if (auto stored = storage::RosterStore(*db).replace(*entries, info); !stored)
        return fail(stored.error());
    if (args.json)
        printJsonLine({{"imported", entries->size()},
                       {"source", args.file},
                       {"valid_until", info.validUntil}});
    else
        std::cout << "imported " << entries->size() << " candidates\n";
    return kExitOk;
}

} // namespace

void registerRosterCommand(CLI::App& app, CommandContext& context) {
    CLI::App* roster = app.add_subcommand("roster", "The exam site's roster");
    roster->require_subcommand(1);
    auto args = std::make_shared<RosterArgs>();
    CLI::App* import = roster->add_subcommand("import", "Replace the roster from a UTF-8 CSV");
    import->add_option("FILE", args->file, "candidate number, name, ID number, session, room, seat")
        ->required();
    import->add_option("--valid-until", args->validUntil, "ISO 8601; default 7 days");
    import->add_flag("--json", args->json, "Print {imported, source, valid_until}");
    import->callback([args, &context] { context.exitCode = importRoster(context, *args);
});
} // namespace doorpost::kiosk::cli

} // namespace doorpost::kiosk::cli
