// `doorpost export --from ISO --to ISO --out DIR [--json]`: the audit export of the events
// recorded in [from, to) (docs/audit.md). The work is storage::writeAuditExport; this file only
// parses the period and prints the summary.

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/audit/export.hpp"
#include "storage/base/iso_time.hpp"

#include <memory>

namespace doorpost::kiosk::cli {

namespace {

struct ExportOptions {
    std::string from;
    std::string to;
    std::string out;
    bool json = false;
};

// "YYYY-MM-DD" (midnight UTC) or a full ISO 8601 time; as ms since 1970 UTC.
Result<std::int64_t> parsePeriodEnd(const std::string& text, const char* field) {
    const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
    auto seconds = parseIsoTime(full);
    if (!seconds) {
        return badInput(std::string(field) + ": " + seconds.error().message +
                        " (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z|+HH:MM])");
    }
    return *seconds * 1000;
}

int runExport(const GlobalOptions& global, const ExportOptions& options) {
    auto from = parsePeriodEnd(options.from, "--from");
    if (!from) {
        return fail(from.error());
    }
    auto to = parsePeriodEnd(options.to, "--to");
    if (!to) {
        return fail(to.error());
    }
    if (!std::filesystem::exists(global.dbPath)) {
        return fail(badInput("--db: " + global.dbPath + " does not exist"));
    }
    auto summary = storage::audit::writeAuditExport({global.dbPath, options.out, *from, *to});
    if (!summary) {
        return fail(summary.error());
    }
    const nlohmann::json out = {
        {"out", summary->outDir},
        {"device", summary->device},
        {"device_public_key", summary->devicePublicKey},
        {"epoch", summary->epoch},
        {"first_seq", summary->firstSeq},
        {"last_seq", summary->lastSeq},
        {"count", summary->count},
        {"hash_before_first", summary->hashBeforeFirst},
        {"last_hash", summary->lastHash},
        {"created_at", summary->createdAt},
        {"integrity", summary->integrity},
        {"id_like_in_detail", summary->idLikeInDetail},
        {"first_broken_seq", summary->firstBrokenSeq},
    };
    if (options.json) {
        printJsonLine(out);
    } else {
        std::cout << "exported " << summary->count << " events (seq " << summary->firstSeq << ".."
                  << summary->lastSeq << ") to " << summary->outDir << '\n'
                  << "device " << summary->device << ", key " << summary->devicePublicKey << '\n'
                  << "last hash " << summary->lastHash << '\n';
        if (summary->firstBrokenSeq > 0) {
            std::cout << "warning: the database's chain is broken at seq "
                      << summary->firstBrokenSeq
                      << "; exported as it is, verify-export will name it\n";
        }
        if (summary->idLikeInDetail > 0) {
            std::cout << "warning: " << summary->idLikeInDetail
                      << " events carry an unmasked-looking ID number in detail (kept in "
                         "events.jsonl, masked in events.csv)\n";
        }
    }
    return kExitOk;
}

} // namespace

void registerExportCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ExportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "export", "Audit export of the events of a period: events.csv, events.jsonl and a signed "
                  "manifest.json in a new folder");
    cmd->add_option("--from", options->from,
                    "Start of the period (ISO 8601, inclusive; UTC unless a zone is given)")
        ->required();
    cmd->add_option("--to", options->to, "End of the period (ISO 8601, exclusive)")->required();
    cmd->add_option("--out", options->out, "Folder to create (must not exist, or be empty)")
        ->required();
    cmd->add_flag("--json", options->json, "Print one JSON object");
    cmd->callback([&context, options] { context.exitCode = runExport(context.global, *options); });
}

} // namespace doorpost::kiosk::cli
