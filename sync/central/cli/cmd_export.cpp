// `doorpost-central export --from ISO --to ISO [--device D] --out DIR [--unmask --sealing-key
// FILE... --reason TEXT [--auditor NAME] [--passphrase-file P]] [--json]`: the auditor's export of
// every door's chain (sync/central/central_export.hpp; docs/audit.md). With --unmask the sealed
// ID numbers of manual registrations are opened with the auditor's sealing key file(s) and the
// unmasking is recorded in the access log. Exit 0 written; 1 nothing in the period or a stored
// chain that does not verify; 2 bad input (a malformed time, --out not empty, a wrong
// passphrase, a key file from another deployment, a box whose key file was not given); 3 an
// environment fault. Nothing is written on any failure.
//
// `doorpost-central access-log [--out DIR] [--json]`: lists the access log, or exports it
// (storage/audit/access_log.hpp) for `doorpost verify-export DIR`.

#include "storage/audit/access_log.hpp"
#include "storage/base/iso_time.hpp"
#include "sync/central/central_export.hpp"
#include "sync/central/cli/central_cli.hpp"
#include "sync/central/cli/issuer_keys.hpp"
#include "sync/central/cli/sealing_key_file.hpp"

#include <cstdlib>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace doorpost::sync::central::cli {
namespace {

struct ExportOptions {
    std::string from;
    std::string to;
    std::string device;
    std::string out;
    bool unmask = false;
    std::vector<std::string> sealingKeys;
    std::string passphraseFile;
    std::string reason;
    std::string auditor;
    bool json = false;
};

Result<std::int64_t> periodEnd(const std::string& text, const char* field) {
    const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
    auto seconds = parseIsoTime(full);
    if (!seconds)
        return badInput(std::string(field) +
                        ": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z|+HH:MM], got '" +
                        text.substr(0, 40) + "'");
    return *seconds * 1000;
}

std::string osUser() {
    if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr && entry->pw_name)
        return entry->pw_name;
    return "uid " + std::to_string(::geteuid());
}

int runExport(CentralContext& context, const ExportOptions& options) {
    auto from = periodEnd(options.from, "--from");
    if (!from)
        return fail(from.error());
    auto to = periodEnd(options.to, "--to");
    if (!to)
        return fail(to.error());
    if (!options.unmask && (!options.sealingKeys.empty() || !options.reason.empty()))
        return fail(badInput("--sealing-key and --reason go with --unmask"));
    if (options.unmask && options.reason.empty())
        return fail(badInput("--reason: an unmasking export must say why (it goes to the access "
                             "log)"));
    if (options.unmask && options.sealingKeys.empty())
        return fail(badInput("--sealing-key: --unmask needs the auditor's sealing key file"));
    auto keys = IssuerKeyStore::open(context.global.dataDir);
    if (!keys)
        return fail(keys.error());
    CentralExportRequest request;
    request.outDir = options.out;
    request.fromMs = *from;
    request.toMs = *to;
    request.device = options.device;
    request.unmask = options.unmask;
    request.reason = options.reason;
    request.auditor = options.auditor.empty() ? osUser() : options.auditor;
    for (const auto& seal : keys->sealKeys())
        request.knownKeys.push_back({seal.kid, seal.createdAt, seal.active});
    if (options.unmask) {
        auto passphrase = sealingPassphrase(options.passphraseFile);
        if (!passphrase)
            return fail(passphrase.error());
        for (const auto& file : options.sealingKeys) {
            auto pair = readSealingKeyFile(file, *passphrase);
            if (!pair)
                return fail(pair.error());
            bool ours = false;
            for (const auto& seal : keys->sealKeys())
                ours = ours || (seal.kid == pair->kid && seal.publicKey == pair->publicKey);
            if (!ours)
                return fail(badInput("--sealing-key: " + file +
                                     " belongs to another deployment "
                                     "(key " +
                                     pair->kid + " is not one of this central's sealing keys)"));
            request.openingKeys.push_back({pair->kid, pair->publicKey, pair->secretKey});
        }
    }
    auto store = openStore(context);
    if (!store)
        return fail(store.error());
    auto secret = (*store)->setSigningSecretKey();
    if (!secret)
        return fail(secret.error());
    request.signingSecretKey = *secret;
    auto summary = writeCentralExport(**store, request);
    for (auto& key : request.openingKeys)
        key.secretKey.fill(0);
    if (!summary)
        return fail(summary.error());
    const nlohmann::json line = {{"out", summary->outDir},
                                 {"central_key", summary->centralKey},
                                 {"doors", summary->doors},
                                 {"events", summary->events},
                                 {"unmasked", options.unmask},
                                 {"opened", summary->opened},
                                 {"not_sealed", summary->notSealed},
                                 {"cut_at_quarantine", summary->cutAtQuarantine},
                                 {"access_log_seq", summary->accessLogSeq},
                                 {"created_at", summary->createdAt}};
    if (options.json) {
        printJsonLine(line);
    } else {
        std::cout << "exported " << summary->events << " events of " << summary->doors
                  << " door chain(s) to " << summary->outDir << "\ncentral key "
                  << summary->centralKey << "\n";
        if (options.unmask)
            std::cout << "opened " << summary->opened << " sealed ID numbers (access log entry "
                      << summary->accessLogSeq << ")\n";
        if (summary->notSealed > 0)
            std::cout
                << summary->notSealed
                << " manual registrations were recorded without a sealing key (no_seal_key)\n";
    }
    return kExitOk;
}

} // namespace

void registerExportCommand(CLI::App& app, CentralContext& context) {
    auto options = std::make_shared<ExportOptions>();
    auto* command = app.add_subcommand(
        "export", "The auditor's export of every door's events for a period (signed, verifiable)");
    command->add_option("--from", options->from, "Start of the period (ISO 8601)")->required();
    command->add_option("--to", options->to, "End of the period, exclusive (ISO 8601)")->required();
    command->add_option("--device", options->device, "Only this door");
    command->add_option("--out", options->out, "A new (or empty) folder")->required();
    command->add_flag("--unmask", options->unmask,
                      "Open the sealed ID numbers of manual registrations (recorded in the "
                      "access log)");
    command->add_option("--sealing-key", options->sealingKeys,
                        "The auditor's sealing key file (repeat for keys rotated since)");
    command->add_option("--passphrase-file", options->passphraseFile,
                        std::string("The key files' passphrase (first line); default: $") +
                            kPassphraseEnv);
    command->add_option("--reason", options->reason, "Why the numbers are opened");
    command->add_option("--auditor", options->auditor, "Who asks (default: the OS user)");
    command->add_flag("--json", options->json, "One JSON object");
    command->callback([&context, options] { context.exitCode = runExport(context, *options); });

    auto access = std::make_shared<std::pair<std::string, bool>>();
    auto* log = app.add_subcommand(
        "access-log", "List the unmasking access log, or export it (--out) for verify-export");
    log->add_option("--out", access->first, "Export it into this new (or empty) folder");
    log->add_flag("--json", access->second, "One JSON object per entry");
    log->callback([&context, access] {
        auto store = openStore(context);
        if (!store) {
            context.exitCode = fail(store.error());
            return;
        }
        auto entries = (*store)->accessEntries();
        if (!entries) {
            context.exitCode = fail(entries.error());
            return;
        }
        if (!access->first.empty()) {
            auto secret = (*store)->setSigningSecretKey();
            if (!secret) {
                context.exitCode = fail(secret.error());
                return;
            }
            if (auto written =
                    storage::audit::writeAccessLogExport(access->first, *entries, *secret);
                !written) {
                context.exitCode = fail(written.error());
                return;
            }
            std::cout << "exported " << entries->size() << " access log entries to "
                      << access->first << '\n';
            context.exitCode = kExitOk;
            return;
        }
        for (const auto& entry : *entries) {
            if (access->second)
                std::cout << storage::audit::accessEntryToJsonLine(entry) << '\n';
            else
                std::cout << entry.seq << "  " << entry.exportCreatedAt << "  " << entry.auditor
                          << "  " << entry.from << " .. " << entry.to << "  doors " << entry.doors
                          << "  opened " << entry.opened << "  reason: " << entry.reason << '\n';
        }
        if (auto problem = storage::audit::checkAccessChain(*entries)) {
            context.exitCode = fail(Error{ErrorKind::Negative,
                                          "access log entry " + std::to_string(problem->index + 1) +
                                              ": " + problem->problem});
            return;
        }
        context.exitCode = kExitOk;
    });
}

} // namespace doorpost::sync::central::cli
