// Reconciliation: late findings about events the central just accepted (DESIGN.md, "Reconcile"):
// the same subject admitted at two doors within the re-entry window, and a pass used after the
// deny list revoked it. Duplicates a door already caught through a peer are noted apart
// (door_catches): they are conflicts that did not happen. Findings are stored once (keyed on the
// event and kind) and returned with every push answer that covers the event, so a resend still
// delivers them.

#include "sync/central/central_store.hpp"

#include <cstdlib>
#include <map>
#include <set>

namespace doorpost::sync::central {
namespace {

// "column IN the list", with the list's values appended to `params`. On PostgreSQL the list is
// one text-array parameter, so the SQL text is the same whatever the list's length: the
// session's prepared-statement cache holds one statement instead of preparing (a round trip)
// one per length. SQLite keeps a plain IN list, which its planner turns into index probes.
std::string inList(SqlDialect dialect, const char* column, const std::set<std::string>& items,
                   std::vector<SqlValue>& params) {
    if (dialect == SqlDialect::Postgres) {
        std::string array = "{";
        for (const auto& item : items) {
            if (array.size() > 1)
                array += ',';
            array += '"';
            for (const char c : item) {
                if (c == '"' || c == '\\')
                    array += '\\';
                array += c;
            }
            array += '"';
        }
        params.emplace_back(array + "}");
        return std::string(column) + " = ANY($" + std::to_string(params.size()) + "::text[])";
    }
    std::string out = std::string(column) + " IN (";
    for (const auto& item : items) {
        params.emplace_back(item);
        out += (out.back() == '(' ? "$" : ",$") + std::to_string(params.size());
    }
    return out + ")";
}

} // namespace

Result<void> CentralStore::reconcile(const std::string& device, const std::string& epoch,
                                     const std::vector<const WireEvent*>& inserted,
                                     const std::vector<EventFacts>& insertedFacts) {
    struct Admitted {
        std::int64_t seq;
        EventFacts facts;
    };
    std::vector<Admitted> admitted;
    std::set<std::string> subjects;
    std::set<std::string> denyKeys;
    for (std::size_t i = 0; i < inserted.size(); ++i) {
        const WireEvent* event = inserted[i];
        if (!event->quarantined.empty())
            continue;
        const EventFacts& facts = insertedFacts[i];
        if (!facts.caughtByDevice.empty()) {
            // The door caught this duplicate through a peer while the central was away
            // (docs/mesh.md): noted as a conflict the doors already settled.
            auto noted = m_session->run(
                "INSERT INTO door_catches (device, epoch, seq, peer_device, peer_seq)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                {device, epoch, event->seq, facts.caughtByDevice, facts.caughtBySeq});
            if (!noted)
                return noted.error();
        }
        if (facts.verdict != "admit")
            continue;
        if (!facts.subjectKey.empty()) {
            subjects.insert(facts.subjectKey);
            denyKeys.insert(facts.subjectKey);
        }
        if (!facts.credentialId.empty())
            denyKeys.insert(facts.credentialId);
        admitted.push_back({event->seq, facts});
    }
    if (admitted.empty())
        return {};

    std::vector<Finding> findings;
    if (!subjects.empty()) {
        std::vector<SqlValue> params{device};
        const std::string where = inList(m_session->dialect(), "subject_key", subjects, params);
        auto others = m_session->run(
            "SELECT subject_key, device, seq, wall_time_ms FROM events WHERE device <> $1"
            " AND verdict = 'admit' AND " +
                where,
            params);
        if (!others)
            return others.error();
        std::multimap<std::string, std::size_t> bySubject;
        for (std::size_t r = 0; r < others->size(); ++r)
            bySubject.emplace(others->text(r, 0), r);
        for (const auto& event : admitted) {
            const auto [begin, end] = bySubject.equal_range(event.facts.subjectKey);
            for (auto it = begin; it != end; ++it) {
                const std::int64_t apart =
                    std::llabs(others->integer(it->second, 3) - event.facts.wallTimeMs);
                if (apart > m_options.reentryWindowMs)
                    continue;
                findings.push_back(
                    {event.seq, "double_admission", event.facts.subjectKey,
                     others->text(it->second, 1), others->integer(it->second, 2),
                     "admitted at two doors " + std::to_string(apart / 1000) + " s apart"});
                break;
            }
        }
    }
    if (!denyKeys.empty()) {
        std::vector<SqlValue> params;
        const std::string where = inList(m_session->dialect(), "item_key", denyKeys, params);
        auto denied = m_session->run(
            "SELECT item_key, value FROM set_items WHERE set_name = 'denylist' AND deleted = 0"
            " AND " +
                where,
            params);
        if (!denied)
            return denied.error();
        std::map<std::string, std::int64_t> revokedAt;
        for (std::size_t r = 0; r < denied->size(); ++r) {
            std::int64_t at = 0;
            if (auto value = parseJson(denied->text(r, 1)); value && value->is_object()) {
                const auto it = value->find("revoked_at_ms");
                if (it != value->end() && it->is_number_integer())
                    at = it->get<std::int64_t>();
            }
            revokedAt[denied->text(r, 0)] = at;
        }
        for (const auto& event : admitted) {
            for (const std::string* key : {&event.facts.credentialId, &event.facts.subjectKey}) {
                const auto it = revokedAt.find(*key);
                if (key->empty() || it == revokedAt.end() || event.facts.wallTimeMs < it->second)
                    continue;
                findings.push_back({event.seq, "revoked_pass_used", event.facts.subjectKey, "", 0,
                                    "used after its revocation (" + *key + ")"});
                break;
            }
        }
    }
    for (const auto& finding : findings) {
        auto stored = m_session->run(
            "INSERT INTO findings (device, epoch, seq, kind, subject_key, other_device, other_seq,"
            " detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            {device, epoch, finding.seq, finding.kind, finding.subjectKey, finding.otherDevice,
             finding.otherSeq, finding.detail});
        if (!stored)
            return stored.error();
    }
    return {};
}

} // namespace doorpost::sync::central
