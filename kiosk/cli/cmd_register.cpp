// `doorpost --db FILE register --id-type resident|passport|permit|other --id ID [--name NAME]
//  --reason REASON --operator OP [--at ISO] --json`: manual registration when nothing scans.
// An invalid ID number or a reason the site profile does not allow exits 2 with a message
// naming the problem, and records nothing. The full ID is sealed to the central's key; without
// that key the event keeps the masked ID only (reason id_not_sealed, see docs/credentials.md).

#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"

#include <iostream>

namespace doorpost::kiosk::cli {
namespace {

struct RegisterArgs {
    std::string idType;
    std::string id;
    std::string name;
    std::string reason;
    std::string operatorId;
    std::string at;
    bool json = false;
};

int runRegister(const CommandContext& context, const RegisterArgs& args) {
    auto type = parseIdType(args.idType);
    if (!type)
        return fail(type.error());
    // Checked before the database is touched: a bad number records nothing.
    if (auto checked = checkIdNumber(*type, args.id); !checked)
        return fail(checked.error());
    auto at = parseClockOption("--at", args.at);
    if (!at)
        return fail(at.error());
    auto session = openGateSession(context.global);
    if (!session)
        return fail(session.error());
    auto& gate = (*session)->gate;
    gate::ManualInput input{*type, args.id, args.name, args.reason, args.operatorId, *at};
    auto result = gate->registerManual(input);
    if (!result)
        return fail(result.error());
    auto line = verdictJson(*result);
    line["credential"] = idTypeName(*type);
    if (args.json)
        printJsonLine(line);
    else
        std::cout << verdictName(result->verdict) << " " << result->credential.maskedId << " seq "
                  << result->seq << '\n';
    return kExitOk;
}

} // namespace

void registerRegisterCommand(CLI::App& app, CommandContext& context) {
    auto args = std::make_shared<RegisterArgs>();
    CLI::App* cmd = app.add_subcommand("register", "Register a person manually by ID document");
    cmd->add_option("--id-type", args->idType, "resident, passport, permit or other")->required();
    cmd->add_option("--id", args->id, "The document number")->required();
    cmd->add_option(
        "--name", args->name,
        "The person's name (sealed with the ID; dropped if the kiosk has no sealing key)");
    cmd->add_option("--reason", args->reason, "Why manual (see the site profile)")->required();
    cmd->add_option("--operator", args->operatorId, "Staff member registering")->required();
    cmd->add_option("--at", args->at, "Decision clock, ISO 8601 (default: now)");
    cmd->add_flag("--json", args->json, "Print the verdict as one JSON object");
    cmd->callback([args, &context] { context.exitCode = runRegister(context, *args); });
}

} // namespace doorpost::kiosk::cli
