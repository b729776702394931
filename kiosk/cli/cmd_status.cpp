// `doorpost status`: what the local event log holds and whether its chain verifies.
// It answers fast on a million events: counters come from sqlite_sequence, and the chain is
// verified from the last verified checkpoint on (`--full` recomputes it all and runs
// PRAGMA integrity_check).

#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/gate/clock_watch.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "sync/client/sync_summary.hpp"
#include "sync/peer/mesh_status.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace doorpost::kiosk::cli {

namespace {

struct StatusOptions {
    bool json = false;
    bool full = false;
};

int runStatus(const GlobalOptions& global, const StatusOptions& options) {
    if (!std::filesystem::exists(global.dbPath)) {
        return fail(badInput("--db: " + global.dbPath + " does not exist"));
    }
    storage::OpenOptions open;
    open.quickCheck = options.full; // a whole-file read; the kiosk runs it at start
    auto db = storage::Database::open(global.dbPath, open);
    if (!db) {
        return fail(db.error());
    }
    auto log = storage::EventLog::open(*db);
    if (!log) {
        return fail(log.error());
    }
    auto status = log->status();
    if (!status) {
        return fail(status.error());
    }
    auto chain = options.full ? log->verifyChain() : log->verifyNewEvents();
    if (!chain) {
        return fail(chain.error());
    }
    auto movedAside = db->meta("moved_aside");
    if (!movedAside) {
        return fail(movedAside.error());
    }
    auto version = db->schemaVersion();
    if (!version) {
        return fail(version.error());
    }

    nlohmann::json out = {
        {"events", status->events},        {"last_seq", status->lastSeq},
        {"epoch", status->epoch},          {"device_id", status->deviceId},
        {"head_hash", status->headHash},   {"chain_ok", chain->ok},
        {"chain_checked", chain->checked}, {"chain_verified_from", chain->verifiedFrom},
        {"schema_version", *version},
    };
    if (!chain->ok) {
        out["chain_first_bad_seq"] = chain->firstBadSeq;
        out["chain_problem"] = chain->problem;
    }
    if (options.full) {
        auto integrity = db->integrityCheck();
        if (!integrity) {
            return fail(integrity.error());
        }
        out["integrity"] = *integrity;
    }
    if (db->movedAside()) {
        std::cerr << "doorpost: corrupt database moved aside to " << db->movedAside()->path << " ("
                  << db->movedAside()->reason << ")\n";
    }
    if (movedAside->has_value()) {
        out["moved_aside"] = **movedAside;
    }
    // What the sync rounds left (the kiosk's worker or `doorpost sync`), read from this database.
    auto summary = sync::client::readSyncSummary(*db, status->epoch, status->lastSeq);
    if (!summary) {
        return fail(summary.error());
    }
    out["sync"] = {{"online", summary->online},
                   {"events_waiting", summary->eventsWaiting},
                   {"acked_through", summary->ackedThrough},
                   {"last_success_ms", summary->lastSuccessMs},
                   {"last_attempt_ms", summary->lastAttemptMs},
                   {"last_end", summary->lastEnd},
                   {"last_error", summary->lastError},
                   {"clock_offset_ms", summary->clockOffsetMs}};

    // The doors of this site (docs/mesh.md) as the database shows them: the running door's
    // pullers record each peer's chain as they store or confirm it.
    const std::int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
    auto mesh = sync::peer::readStoredMesh(*db, status->deviceId, nowMs);
    if (!mesh) {
        return fail(mesh.error());
    }
    nlohmann::json doors = nlohmann::json::array();
    for (const auto& peer : mesh->peers) {
        doors.push_back({{"device", peer.device},
                         {"address", peer.address},
                         {"epoch", peer.epoch},
                         {"seq", peer.seq},
                         {"age_ms", peer.ageMs}});
    }
    out["mesh"] = {{"peers", mesh->known},
                   {"reachable", mesh->fresh},
                   {"oldest_age_ms", mesh->oldestAgeMs},
                   {"doors", doors}};

    // The clock as the gate would judge it now (docs/clock.md).
    auto clock = gate::ClockWatch::open(*db);
    if (!clock) {
        return fail(clock.error());
    }
    auto reading = clock->read();
    if (!reading) {
        return fail(reading.error());
    }
    out["clock"] = gate::clockJson(*reading, clock->lastEventWallMs());
    out["clock"]["wall"] = formatIsoTime(reading->wallMs / 1000);
    out["clock"]["estimate"] = formatIsoTime(reading->estimateMs / 1000);
    out["clock"]["boot_id"] = clock->bootId();

    if (options.json) {
        printJsonLine(out);
    } else {
        for (const auto& [key, value] : out.items()) {
            std::cout << key << '=' << (value.is_string() ? value.get<std::string>() : value.dump())
                      << '\n';
        }
    }
    const bool healthy = chain->ok && (!options.full || out["integrity"] == "ok");
    return healthy ? kExitOk : kExitNegative;
}

} // namespace

void registerStatusCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<StatusOptions>();
    CLI::App* cmd = app.add_subcommand(
        "status", "Show the event log: count, last seq, epoch, device id, head hash, chain check");
    cmd->add_flag("--json", options->json, "Print one JSON object");
    cmd->add_flag("--full", options->full,
                  "Recompute the whole chain and run quick_check and integrity_check");
    cmd->callback([&context, options] { context.exitCode = runStatus(context.global, *options); });
}

} // namespace doorpost::kiosk::cli
