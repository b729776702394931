// `doorpost verify-export DIR [--device-key FILE] [--json]`: checks an audit export on its own
// (docs/audit.md). Exit 0 with a summary when intact; exit 1 naming the first record or file
// that does not fit. The output always says which key the signature was checked against.
// (--central URL, checking the last hash against the central's witnessed chain heads, is not
// here yet: the central's API for it is not in main.)

#include <memory>

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/audit_verify.hpp"

namespace doorpost::kiosk {

namespace {

struct VerifyExportOptions {
    std::string dir;
    std::string deviceKeyFile;
    bool json = false;
};

std::string trustNote(const storage::VerifyExportReport& report) {
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

int runVerifyExport(const VerifyExportOptions& options) {
    storage::VerifyExportOptions verify;
    verify.dir = options.dir;
    if (!options.deviceKeyFile.empty()) {
        auto key = storage::readPublicKeyFile(options.deviceKeyFile);
        if (!key) {
            return fail(key.error());
        }
        verify.trustedKeyHex = *key;
    }
    auto report = storage::verifyAuditExport(verify);
    if (!report) {
        return fail(report.error());
    }
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
        if (!report->ok) {
            out["where"] = report->where;
            out["seq"] = report->seq;
            out["problem"] = report->problem;
            out["problems"] = report->problems;
        }
        printJsonLine(out);
    } else if (report->ok) {
        std::cout << "intact: " << report->count << " events, seq " << report->firstSeq << ".."
                  << report->lastSeq << ", device " << report->device << ", epoch "
                  << report->epoch << '\n'
                  << "last hash " << report->lastHash << '\n'
                  << trustNote(*report) << '\n';
    } else {
        std::cout << "NOT INTACT: " << report->problem << '\n';
        for (std::size_t i = 1; i < report->problems.size(); ++i) {
            std::cout << "  also: " << report->problems[i] << '\n';
        }
        std::cout << trustNote(*report) << '\n';
    }
    return report->ok ? kExitOk : kExitNegative;
}

} // namespace

void registerVerifyExportCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<VerifyExportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "verify-export", "Check an audit export: chain, files, CSV and the manifest signature");
    cmd->add_option("DIR", options->dir, "The export folder")->required();
    cmd->add_option("--device-key", options->deviceKeyFile,
                    "File holding the device's public key (hex) as registered at enrolment");
    cmd->add_flag("--json", options->json, "Print one JSON object");
    cmd->callback([&context, options] { context.exitCode = runVerifyExport(*options); });
}

} // namespace doorpost::kiosk
