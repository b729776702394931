// Reconciliation: late findings about events the central just accepted (DESIGN.md, "Reconcile"):
// the same subject admitted at two doors within the re-entry window, and a pass used after the
// deny list revoked it. Findings are stored once (keyed on the event and kind) and returned with
// every push answer that covers the event, so a resend still delivers them.

#include <cstdlib>
#include <map>
#include <set>

#include "sync/central/central_store.hpp"

namespace doorpost::sync::central {
namespace {

std::string placeholders(std::size_t first, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += (i ? ",$" : "$") + std::to_string(first + i);
    return out;
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
        if (!event->quarantined.empty()) continue;
        const EventFacts& facts = insertedFacts[i];
        if (facts.verdict != "admit") continue;
        if (!facts.subjectKey.empty()) {
            subjects.insert(facts.subjectKey);
            denyKeys.insert(facts.subjectKey);
        }
        if (!facts.credentialId.empty()) denyKeys.insert(facts.credentialId);
        admitted.push_back({event->seq, facts});
    }
    if (admitted.empty()) return {};

    std::vector<Finding> findings;
    if (!subjects.empty()) {
        std::vector<SqlValue> params{device};
        for (const auto& subject : subjects) params.emplace_back(subject);
        auto others = m_session->run(
            "SELECT subject_key, device, seq, wall_time_ms FROM events WHERE device <> $1"
            " AND verdict = 'admit' AND subject_key IN (" +
                placeholders(2, subjects.size()) + ")",
            params);
        if (!others) return others.error();
        std::multimap<std::string, std::size_t> bySubject;
        for (std::size_t r = 0; r < others->size(); ++r) bySubject.emplace(others->text(r, 0), r);
        for (const auto& event : admitted) {
            const auto [begin, end] = bySubject.equal_range(event.facts.subjectKey);
            for (auto it = begin; it != end; ++it) {
                const std::int64_t apart =
                    std::llabs(others->integer(it->second, 3) - event.facts.wallTimeMs);
                if (apart > m_options.reentryWindowMs) continue;
                findings.push_back({event.seq, "double_admission", event.facts.subjectKey,
                                    others->text(it->second, 1), others->integer(it->second, 2),
                                    "admitted at two doors " + std::to_string(apart / 1000) +
                                        " s apart"});
                break;
            }
        }
    }
    if (!denyKeys.empty()) {
        std::vector<SqlValue> params;
        for (const auto& key : denyKeys) params.emplace_back(key);
        auto denied = m_session->run(
            "SELECT item_key, value FROM set_items WHERE set_name = 'denylist' AND deleted = 0"
            " AND item_key IN (" +
                placeholders(1, denyKeys.size()) + ")",
            params);
        if (!denied) return denied.error();
        std::map<std::string, std::int64_t> revokedAt;
        for (std::size_t r = 0; r < denied->size(); ++r) {
            std::int64_t at = 0;
            if (auto value = parseJson(denied->text(r, 1)); value && value->is_object()) {
                const auto it = value->find("revoked_at_ms");
                if (it != value->end() && it->is_number_integer()) at = it->get<std::int64_t>();
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
        if (!stored) return stored.error();
    }
    return {};
}

} // namespace doorpost::sync::central
