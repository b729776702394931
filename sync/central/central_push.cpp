// Push: the central's side of "every event exactly once". Inserts are idempotent on
// (device, epoch, seq); a known key with another hash is a 409 and an alert; the acked prefix
// only grows over records whose prev_hash links to the record before.

#include "storage/event.hpp"
#include "sync/central/central_store.hpp"
#include "sync/event_wire.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace doorpost::sync::central {
namespace {

constexpr std::size_t kInsertChunk = 250; // rows per multi-row INSERT (11 parameters each)

PushOutcome refused(int status, std::string message, std::string field, std::int64_t seq) {
    PushOutcome outcome;
    outcome.status = status;
    outcome.error = {std::move(message), std::move(field), seq};
    return outcome;
}

// NULL for an empty text (a stub has no body, an event no quarantine reason).
void appendTextOrNull(std::vector<SqlValue>& params, std::string text) {
    if (text.empty())
        params.emplace_back(std::in_place_type<std::monostate>);
    else
        params.emplace_back(std::in_place_type<std::string>, std::move(text));
}

// Checks what needs no database: ascending contiguous seqs, links inside the batch, head_hash.
std::optional<PushOutcome> checkBatchShape(const PushRequest& request) {
    for (std::size_t i = 1; i < request.events.size(); ++i) {
        const auto& previous = request.events[i - 1];
        const auto& event = request.events[i];
        if (event.seq != previous.seq + 1)
            return refused(400, "events must have contiguous ascending seq", "events", event.seq);
        if (event.prevHash != previous.hash)
            return refused(400, "prev_hash does not link to the previous record", "prev_hash",
                           event.seq);
    }
    if (!request.headHash.empty() && request.headHash != request.events.back().hash)
        return refused(400, "head_hash is not the hash of the last record", "head_hash", 0);
    // The hash is recomputed from the content (docs/event-log.md), so a record altered on the
    // way or on the device is refused by name. Quarantine stubs carry no content to check.
    for (const auto& wire : request.events) {
        if (!wire.quarantined.empty())
            continue;
        auto event = fromWire(wire, request.epoch);
        if (!event)
            return refused(400, event.error().message, "event", wire.seq);
        if (storage::eventHash(*event) != wire.hash)
            return refused(400, "hash does not match the record's content", "hash", wire.seq);
    }
    return std::nullopt;
}

} // namespace

Result<PushOutcome> CentralStore::push(const std::string& device, const PushRequest& request) {
    if (!request.events.empty())
        if (auto bad = checkBatchShape(request))
            return *bad;
    std::lock_guard lock(m_mutex);
    if (auto begun = m_session->beginWrite(); !begun)
        return begun.error();
    auto outcome = pushLocked(device, request);
    if (!outcome || outcome->status != 200) {
        (void)m_session->rollback();
        if (outcome && outcome->status == 409) {
            // The alert is kept even though the batch is refused.
            const auto& event =
                *std::find_if(request.events.begin(), request.events.end(),
                              [&](const WireEvent& e) { return e.seq == outcome->error.seq; });
            if (auto begun = m_session->beginWrite(); begun) {
                auto known = m_session->run(
                    "SELECT hash FROM events WHERE device = $1 AND epoch = $2 AND seq = $3",
                    {device, request.epoch, event.seq});
                const std::string ours = known && !known->empty() ? known->text(0, 0) : "";
                if (recordAlert(device, request.epoch, event.seq, event.hash, ours))
                    (void)m_session->commit();
                else
                    (void)m_session->rollback();
            }
        }
        return outcome;
    }
    if (auto committed = m_session->commit(); !committed) {
        (void)m_session->rollback();
        return committed.error();
    }
    return outcome;
}

Result<PushOutcome> CentralStore::pushLocked(const std::string& device,
                                             const PushRequest& request) {
    const std::string& epoch = request.epoch;
    auto ensured = m_session->run(
        "INSERT INTO chains (device, epoch, acked_through, head_hash) VALUES ($1, $2, 0, '')"
        " ON CONFLICT (device, epoch) DO NOTHING",
        {device, epoch});
    if (!ensured)
        return ensured.error();
    // The chain row lock orders two centrals pushing for the same device over PostgreSQL.
    auto chain = m_session->run("SELECT acked_through, head_hash FROM chains"
                                " WHERE device = $1 AND epoch = $2" +
                                    forUpdate(),
                                {device, epoch});
    if (!chain)
        return chain.error();
    std::int64_t acked = chain->integer(0, 0);
    std::string head = chain->text(0, 1);

    PushOutcome outcome;
    if (request.events.empty()) { // a state query: where does the central stand?
        outcome.response = {acked, head, {}};
        return outcome;
    }

    const std::int64_t first = request.events.front().seq;
    const std::int64_t last = request.events.back().seq;
    auto existing = m_session->run("SELECT seq, hash FROM events WHERE device = $1 AND epoch = $2"
                                   " AND seq BETWEEN $3 AND $4",
                                   {device, epoch, first, last});
    if (!existing)
        return existing.error();
    std::map<std::int64_t, std::string> known;
    for (std::size_t r = 0; r < existing->size(); ++r)
        known.emplace(existing->integer(r, 0), existing->text(r, 1));

    std::vector<const WireEvent*> fresh;
    for (const auto& event : request.events) {
        const auto it = known.find(event.seq);
        if (it == known.end()) {
            fresh.push_back(&event);
        } else if (it->second != event.hash) {
            return refused(
                409, "record " + std::to_string(event.seq) + " is already held with another hash",
                "hash", event.seq);
        }
    }
    // A batch continuing the acked prefix must link to the head the central holds.
    if (first == acked + 1 && acked > 0 && request.events.front().prevHash != head)
        return refused(409, "prev_hash does not link to the central's head", "prev_hash", first);

    // Read once: the insert stores them in columns, reconciliation decides on them.
    std::vector<EventFacts> facts;
    facts.reserve(fresh.size());
    for (const WireEvent* event : fresh)
        facts.push_back(event->quarantined.empty() ? eventFacts(event->event) : EventFacts{});

    for (std::size_t start = 0; start < fresh.size(); start += kInsertChunk) {
        const std::size_t end = std::min(fresh.size(), start + kInsertChunk);
        std::string sql =
            "INSERT INTO events (device, epoch, seq, hash, prev_hash, body,"
            " quarantined, subject_key, verdict, credential_id, wall_time_ms) VALUES ";
        std::vector<SqlValue> params;
        params.reserve((end - start) * 11);
        for (std::size_t i = start; i < end; ++i) {
            const WireEvent& event = *fresh[i];
            const std::size_t base = params.size();
            sql += i == start ? "(" : ",(";
            for (std::size_t p = 1; p <= 11; ++p)
                sql += (p == 1 ? "$" : ",$") + std::to_string(base + p);
            sql += ")";
            const bool stub = !event.quarantined.empty();
            const EventFacts& fact = facts[i];
            params.emplace_back(device);
            params.emplace_back(epoch);
            params.emplace_back(event.seq);
            params.emplace_back(event.hash);
            params.emplace_back(event.prevHash);
            // Each value is emplaced as its own alternative: GCC 12 -O3 warned (maybe-
            // uninitialized) on SqlValue temporaries chosen by a ?: operator.
            appendTextOrNull(params, stub ? std::string() : dumpJson(event.event));
            appendTextOrNull(params, event.quarantined);
            appendTextOrNull(params, fact.subjectKey);
            appendTextOrNull(params, fact.verdict);
            appendTextOrNull(params, fact.credentialId);
            params.emplace_back(fact.wallTimeMs);
        }
        sql += " ON CONFLICT (device, epoch, seq) DO NOTHING";
        if (auto inserted = m_session->run(sql, params); !inserted)
            return inserted.error();
    }

    // Grow the contiguous, linked prefix: first over this batch, then over records an earlier
    // out-of-order batch left beyond it.
    for (const auto& event : request.events) {
        if (event.seq != acked + 1)
            continue;
        if (acked > 0 && event.prevHash != head)
            break;
        acked = event.seq;
        head = event.hash;
    }
    for (bool more = true; more;) {
        auto beyond = m_session->run("SELECT seq, hash, prev_hash FROM events WHERE device = $1"
                                     " AND epoch = $2 AND seq > $3 ORDER BY seq LIMIT 500",
                                     {device, epoch, acked});
        if (!beyond)
            return beyond.error();
        more = beyond->size() == 500;
        for (std::size_t r = 0; r < beyond->size(); ++r) {
            if (beyond->integer(r, 0) != acked + 1 || (acked > 0 && beyond->text(r, 2) != head)) {
                more = false;
                break;
            }
            acked = beyond->integer(r, 0);
            head = beyond->text(r, 1);
        }
    }
    auto updated = m_session->run("UPDATE chains SET acked_through = $1, head_hash = $2"
                                  " WHERE device = $3 AND epoch = $4",
                                  {acked, head, device, epoch});
    if (!updated)
        return updated.error();

    if (auto reconciled = reconcile(device, epoch, fresh, facts); !reconciled)
        return reconciled.error();
    auto findings = m_session->run(
        "SELECT seq, kind, subject_key, other_device, other_seq, detail FROM findings"
        " WHERE device = $1 AND epoch = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq, kind",
        {device, epoch, first, last});
    if (!findings)
        return findings.error();
    outcome.response.ackedThrough = acked;
    outcome.response.headHash = head;
    outcome.inserted = static_cast<std::int64_t>(fresh.size());
    for (std::size_t r = 0; r < findings->size(); ++r)
        outcome.response.findings.push_back({findings->integer(r, 0), findings->text(r, 1),
                                             findings->text(r, 2), findings->text(r, 3),
                                             findings->integer(r, 4), findings->text(r, 5)});
    return outcome;
}

Result<void> CentralStore::recordAlert(const std::string& device, const std::string& epoch,
                                       std::int64_t seq, const std::string& theirs,
                                       const std::string& ours) {
    auto done = m_session->run("INSERT INTO alerts (device, epoch, seq, their_hash, our_hash)"
                               " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                               {device, epoch, seq, theirs, ours});
    if (!done)
        return done.error();
    return {};
}

} // namespace doorpost::sync::central
