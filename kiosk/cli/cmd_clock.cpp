// `doorpost --db FILE clock [--json]`: the device clock as the gate judges it (docs/clock.md).
// `clock confirm --operator OP`: staff vouch that the kiosk's clock is right.
// `clock set --time ISO --operator OP`: staff give the true time.
// Both are recorded as operator events and anchor the estimate for the rest of this boot; the
// system clock itself is left to the time service (timesyncd, chrony).

#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/base/iso_time.hpp"

#include <iostream>

namespace doorpost::kiosk::cli {
namespace {

struct ClockArgs {
    std::string time;
    std::string operatorId;
    bool json = false;
};

nlohmann::json readingJson(const policy::ClockReading& reading) {
    nlohmann::json out = gate::clockJson(reading, 0);
    out["wall"] = formatIsoTime(reading.wallMs / 1000);
    out["estimate"] = formatIsoTime(reading.estimateMs / 1000);
    return out;
}

void print(const nlohmann::json& line, bool json) {
    if (json) {
        printJsonLine(line);
        return;
    }
    for (const auto& [key, value] : line.items())
        std::cout << key << '=' << (value.is_string() ? value.get<std::string>() : value.dump())
                  << '\n';
}

int runClock(const CommandContext& context, const ClockArgs& args, bool set, bool confirm) {
    std::optional<std::int64_t> toMs;
    if (set) {
        auto parsed = parseIsoTime(args.time);
        if (!parsed)
            return fail(badInput("--time: " + parsed.error().message));
        toMs = *parsed * 1000;
    }
    auto session = openGateSession(context.global);
    if (!session)
        return fail(session.error());
    auto& gate = (*session)->gate;
    if (!set && !confirm) {
        auto reading = gate->clock();
        if (!reading)
            return fail(reading.error());
        print(readingJson(*reading), args.json);
        return kExitOk;
    }
    auto result = gate->setClock(toMs, args.operatorId);
    if (!result)
        return fail(result.error());
    print({{"seq", result->seq},
           {"before", readingJson(result->before)},
           {"after", readingJson(result->after)}},
          args.json);
    return kExitOk;
}

} // namespace

void registerClockCommand(CLI::App& app, CommandContext& context) {
    auto args = std::make_shared<ClockArgs>();
    CLI::App* cmd = app.add_subcommand(
        "clock", "Show the device clock's state and estimate; staff confirm or set the time");
    cmd->add_flag("--json", args->json, "One JSON object");
    CLI::App* confirm =
        cmd->add_subcommand("confirm", "Staff vouch that the kiosk's clock is right (recorded)");
    confirm->add_option("--operator", args->operatorId, "Staff member")->required();
    confirm->add_flag("--json", args->json, "One JSON object");
    CLI::App* set = cmd->add_subcommand("set", "Staff give the true time now (recorded)");
    set->add_option("--time", args->time, "The true time now, ISO 8601")->required();
    set->add_option("--operator", args->operatorId, "Staff member")->required();
    set->add_flag("--json", args->json, "One JSON object");
    cmd->callback([args, &context, confirm, set] {
        context.exitCode = runClock(context, *args, set->parsed(), confirm->parsed());
    });
}

} // namespace doorpost::kiosk::cli
