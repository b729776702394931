// `doorpost verify-export DIR [--device-key FILE] [--central URL [--token T]] [--json]`: checks
// an audit export on its own (docs/audit.md). Exit 0 with a summary when intact; exit 1 naming
// the first record or file that does not fit. The output always says which key the signature
// was checked against. With --central it also asks the central whether it witnessed the
// export's last (epoch, seq, hash) in that device's chain, and whether the manifest's key is
// one the device enrolled with (any of its key history, naming which): exit 1 naming the
// mismatch (or that the central does not hold it yet), exit 3 when the central cannot be reached.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/audit/access_log.hpp"
#include "storage/audit/central_verify.hpp"
#include "storage/audit/verify.hpp"
#include "sync/client/witness_check.hpp"

#include <memory>
#include <optional>

namespace doorpost::kiosk::cli {

namespace {

struct VerifyExportOptions {
    std::string dir;
    std::string deviceKeyFile;
    std::string centralKeyFile;
    std::string central;
    std::string token;
    bool json = false;
};

std::string trustNote(const storage::audit::VerifyExportReport& report) {
    if (report.keySource == "device-key-file") {
        return "trusted key " + report.trustedKey + " (from --device-key)";
    }
    if (report.keySource == "manifest") {
        return "trusted key " + report.trustedKey +
               " (the manifest's own key: proves the files are unchanged since signing, not "
               "which device signed; pass --device-key with the key registered at enrolment)";
    }
    return "no key trusted (no readable manifest)";
}

// A central export or an exported access log (docs/audit.md): signed by the central's key.
int runVerifyCentral(const VerifyExportOptions& options, const std::string& kind) {
    if (!options.deviceKeyFile.empty() || !options.central.empty())
        return fail(badInput("--device-key and --central check a kiosk's export; a central's "
                             "is checked against --central-key"));
    std::optional<std::string> trusted;
    if (!options.centralKeyFile.empty()) {
        auto key = storage::audit::readPublicKeyFile(options.centralKeyFile);
        if (!key)
            return fail(key.error());
        trusted = *key;
    }
    const auto keyNote = [&trusted](const std::string& key) {
        return "trusted key " + key +
               (trusted ? " (from --central-key)"
                        : " (the manifest's own key: proves the files are unchanged since "
                          "signing, not which central signed; pass --central-key)");
    };
    if (kind == "access-log") {
        auto report = storage::audit::verifyAccessLogExport(options.dir, trusted);
        if (!report)
            return fail(report.error());
        if (options.json) {
            nlohmann::json out = {{"ok", report->ok},
                                  {"kind", "access-log"},
                                  {"entries", report->count},
                                  {"last_hash", report->lastHash},
                                  {"trusted_key", report->trustedKey},
                                  {"key_source", report->keySource}};
            if (!report->ok) {
                out["problem"] = report->problem;
                out["problems"] = report->problems;
            }
            printJsonLine(out);
        } else if (report->ok) {
            std::cout << "intact: access log of " << report->count << " entries, last hash "
                      << report->lastHash << '\n'
                      << keyNote(report->trustedKey) << '\n';
        } else {
            std::cout << "NOT INTACT: " << report->problem << '\n';
            for (std::size_t i = 1; i < report->problems.size(); ++i)
                std::cout << "  also: " << report->problems[i] << '\n';
        }
        return report->ok ? kExitOk : kExitNegative;
    }
    auto report = storage::audit::verifyCentralExport(options.dir, trusted);
    if (!report)
        return fail(report.error());
    if (options.json) {
        nlohmann::json doors = nlohmann::json::array();
        for (const auto& door : report->doors)
            doors.push_back({{"path", door.path},
                             {"device", door.device},
                             {"epoch", door.epoch},
                             {"count", door.count},
                             {"ok", door.ok}});
        nlohmann::json out = {{"ok", report->ok},
                              {"kind", "central"},
                              {"from", report->from},
                              {"to", report->to},
                              {"created_at", report->createdAt},
                              {"doors", doors},
                              {"events", report->events},
                              {"unmasked", report->unmasked},
                              {"unmasked_rows", report->unmaskedRows},
                              {"access_log_seq", report->accessLogSeq},
                              {"trusted_key", report->trustedKey},
                              {"key_source", report->keySource}};
        if (!report->ok) {
            out["problem"] = report->problem;
            out["problems"] = report->problems;
        }
        printJsonLine(out);
    } else if (report->ok) {
        std::cout << "intact: central export of " << report->doors.size() << " door chain(s), "
                  << report->events << " events, " << report->from << " .. " << report->to
                  << (report->unmasked ? ", UNMASKED (" + std::to_string(report->unmaskedRows) +
                                             " numbers; access log entry " +
                                             std::to_string(report->accessLogSeq) + ")"
                                       : ", masked")
                  << '\n';
        for (const auto& door : report->doors)
            std::cout << "  " << door.device << " epoch " << door.epoch << ": " << door.count
                      << " events, chain intact\n";
        std::cout << keyNote(report->trustedKey) << '\n';
    } else {
        std::cout << "NOT INTACT: " << report->problem << '\n';
        for (std::size_t i = 1; i < report->problems.size(); ++i)
            std::cout << "  also: " << report->problems[i] << '\n';
        std::cout << keyNote(report->trustedKey) << '\n';
    }
    return report->ok ? kExitOk : kExitNegative;
}

int runVerifyExport(const VerifyExportOptions& options) {
    if (const std::string kind = storage::audit::exportKind(options.dir);
        kind == "central" || kind == "access-log")
        return runVerifyCentral(options, kind);
    if (!options.centralKeyFile.empty())
        return fail(badInput("--central-key: checks a central export or access log; this is a "
                             "kiosk's export (use --device-key)"));
    storage::audit::VerifyExportOptions verify;
    verify.dir = options.dir;
    if (!options.deviceKeyFile.empty()) {
        auto key = storage::audit::readPublicKeyFile(options.deviceKeyFile);
        if (!key) {
            return fail(key.error());
        }
        verify.trustedKeyHex = *key;
    }
    if (!options.token.empty() && options.central.empty()) {
        return fail(badInput("--token: only with --central"));
    }
    auto report = storage::audit::verifyAuditExport(verify);
    if (!report) {
        return fail(report.error());
    }
    // The central is asked about the manifest's claims only once the files were found to hold
    // them: a tampered export is already exit 1, whatever the central says.
    std::optional<sync::client::WitnessReport> witness;
    if (!options.central.empty() && report->ok) {
        sync::client::HttpClientOptions central;
        central.baseUrl = options.central;
        central.token = options.token;
        auto asked =
            sync::client::checkWitnessed(central, {report->device, report->epoch, report->lastSeq,
                                                   report->lastHash, report->trustedKey});
        if (!asked) {
            return fail(asked.error());
        }
        witness = std::move(*asked);
    }
    const bool witnessed = !witness || witness->outcome == sync::client::WitnessOutcome::Witnessed;
    const bool ok = report->ok && witnessed;
    if (options.json) {
        nlohmann::json out = {
            {"ok", report->ok},
            {"device", report->device},
            {"epoch", report->epoch},
            {"first_seq", report->firstSeq},
            {"last_seq", report->lastSeq},
            {"count", report->count},
            {"records", report->records},
            {"last_hash", report->lastHash},
            {"created_at", report->createdAt},
            {"trusted_key", report->trustedKey},
            {"key_source", report->keySource},
        };
        if (witness) {
            out["ok"] = ok;
            out["central"] = {{"outcome", std::string(sync::client::toString(witness->outcome))},
                              {"message", witness->message},
                              {"acked_through", witness->ackedThrough},
                              {"head_hash", witness->headHash},
                              {"hash", witness->centralHash},
                              {"device_key", witness->centralDeviceKey},
                              {"device_keys", nlohmann::json::array()},
                              {"matched_key", nullptr}};
            for (const auto& key : witness->centralDeviceKeys) {
                out["central"]["device_keys"].push_back(sync::toJson(key));
            }
            if (witness->matchedKey) {
                out["central"]["matched_key"] =
                    sync::toJson(witness->centralDeviceKeys[*witness->matchedKey]);
            }
            if (report->ok && !witnessed) {
                out["where"] = "central";
                out["problem"] = "central: " + witness->message;
            }
        }
        if (!report->ok) {
            out["where"] = report->where;
            out["seq"] = report->seq;
            out["problem"] = report->problem;
            out["problems"] = report->problems;
        }
        printJsonLine(out);
    } else if (report->ok) {
        std::cout << "intact: " << report->count << " events, seq " << report->firstSeq << ".."
                  << report->lastSeq << ", device " << report->device << ", epoch " << report->epoch
                  << '\n'
                  << "last hash " << report->lastHash << '\n'
                  << trustNote(*report) << '\n';
        if (witness) {
            std::cout << (witnessed ? "central: " : "NOT WITNESSED: central: ") << witness->message
                      << '\n';
        }
    } else {
        std::cout << "NOT INTACT: " << report->problem << '\n';
        for (std::size_t i = 1; i < report->problems.size(); ++i) {
            std::cout << "  also: " << report->problems[i] << '\n';
        }
        std::cout << trustNote(*report) << '\n';
    }
    return ok ? kExitOk : kExitNegative;
}

} // namespace

void registerVerifyExportCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<VerifyExportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "verify-export", "Check an audit export: chain, files, CSV and the manifest signature");
    cmd->add_option("DIR", options->dir, "The export folder")->required();
    cmd->add_option("--device-key", options->deviceKeyFile,
                    "File holding the device's public key (hex) as registered at enrolment");
    cmd->add_option("--central", options->central,
                    "Also check the last hash against the chain the central witnessed "
                    "(http(s)://host:port)");
    cmd->add_option("--token", options->token,
                    "Bearer token for --central: the device's own, or an auditor-* principal's");
    cmd->add_option("--central-key", options->centralKeyFile,
                    "For a central export or access log: file holding the central's public key "
                    "(hex; its set key, as kiosks pin it)");
    cmd->add_flag("--json", options->json, "Print one JSON object");
    cmd->callback([&context, options] { context.exitCode = runVerifyExport(*options); });
}

} // namespace doorpost::kiosk::cli
