#include "sync/client/sync_summary.hpp"

#include "sync/client/sync_session.hpp"
#include "sync/client/sync_state.hpp"

#include <cstdlib>

namespace doorpost::sync::client {
namespace {

Result<std::string> metaText(storage::Database& db, std::string_view key) {
    auto value = db.meta(key);
    if (!value)
        return value.error();
    return value->value_or("");
}

} // namespace

Result<void> recordRound(storage::Database& db, const RoundReport& report, std::int64_t nowMs) {
    auto transaction = storage::Transaction::begin(db);
    if (!transaction)
        return transaction.error();
    const std::string now = std::to_string(nowMs);
    for (const auto& [key, value] : {std::pair<std::string_view, std::string>{
                                         "sync_last_end", std::string(toString(report.end))},
                                     {"sync_last_error", report.error},
                                     {"sync_last_attempt_ms", now}})
        if (auto set = db.setMeta(key, value); !set)
            return set.error();
    if (report.end == RoundEnd::Done)
        if (auto set = db.setMeta("sync_last_success_ms", now); !set)
            return set.error();
    return transaction->commit();
}

Result<SyncSummary> readSyncSummary(storage::Database& db, const std::string& epoch,
                                    std::int64_t lastSeq) {
    SyncSummary summary;
    auto end = metaText(db, "sync_last_end");
    auto error = end ? metaText(db, "sync_last_error") : end;
    auto attempt = error ? metaText(db, "sync_last_attempt_ms") : error;
    auto success = attempt ? metaText(db, "sync_last_success_ms") : attempt;
    if (!success)
        return success.error();
    summary.everTried = !end->empty();
    summary.lastEnd = *end;
    summary.lastError = *error;
    summary.lastAttemptMs = std::strtoll(attempt->c_str(), nullptr, 10);
    summary.lastSuccessMs = std::strtoll(success->c_str(), nullptr, 10);
    // As the worker reports it: answered at all (even a refusal) is online.
    summary.online = *end == "done" || *end == "refused" || *end == "server_error";
    SyncState state(db);
    auto position = state.position(epoch);
    if (!position)
        return position.error();
    summary.ackedThrough = position->ackedThrough;
    summary.clockOffsetMs = position->clockOffsetMs;
    summary.eventsWaiting = lastSeq > position->ackedThrough ? lastSeq - position->ackedThrough : 0;
    return summary;
}

} // namespace doorpost::sync::client
