// EventLog's chain verification: recomputes each event's hash and link (docs/event-log.md) and
// names the first seq that does not fit.

#include "storage/event_log.hpp"
#include "storage/read_snapshot.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace doorpost::storage {

namespace {

ChainReport bad(ChainReport report, std::int64_t seq, std::string problem) {
    report.ok = false;
    report.firstBadSeq = seq;
    report.problem = std::move(problem);
    return report;
}

Result<std::optional<std::string>> hashAt(Database& db, std::int64_t seq) {
    auto stmt = db.prepare("SELECT hash FROM events WHERE seq = ?");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, seq);
    auto row = stmt->step();
    if (!row) {
        return row.error();
    }
    return *row ? std::optional<std::string>(stmt->columnText(0)) : std::nullopt;
}

Result<std::int64_t> maxSeq(Database& db) {
    auto stmt = db.prepare("SELECT coalesce(max(seq), 0) FROM events");
    if (!stmt) {
        return stmt.error();
    }
    auto row = stmt->step();
    if (!row) {
        return row.error();
    }
    return stmt->columnInt(0);
}

} // namespace

Result<ChainReport> EventLog::verifyRange(std::int64_t from, std::int64_t to, std::string prevHash,
                                          bool toHead) {
    ChainReport report;
    report.verifiedFrom = from;
    std::int64_t expected = from;
    std::optional<ChainReport> failure;
    auto walked = forEachInSeqRange(from, to, [&](const Event& event) {
        if (event.seq != expected) {
            failure = bad(report, expected, "event is missing");
        } else if (event.prevHash != prevHash) {
            failure = bad(report, event.seq, "prev_hash does not match the previous event's hash");
        } else if (event.epoch != m_epoch) {
            failure = bad(report, event.seq, "epoch differs from the database's epoch");
        } else if (eventHash(event) != event.hash) {
            failure = bad(report, event.seq, "hash does not match the event's content");
        }
        if (failure) {
            return false;
        }
        prevHash = event.hash;
        ++expected;
        ++report.checked;
        return true;
    });
    if (!walked) {
        return walked.error();
    }
    if (failure) {
        return *failure;
    }
    if (expected <= to) {
        return bad(report, expected, "event is missing");
    }
    if (toHead) {
        auto head = status();
        if (!head) {
            return head.error();
        }
        auto highest = maxSeq(*m_db);
        if (!highest) {
            return highest.error();
        }
        if (*highest != head->lastSeq) {
            return bad(report, head->lastSeq + 1, "events exist beyond the recorded head");
        }
        if (head->events != head->lastSeq || head->headHash != prevHash) {
            return bad(report, head->lastSeq, "the recorded head does not match the events");
        }
    }
    return report;
}

Result<ChainReport> EventLog::verifyChain(std::int64_t from, std::int64_t to) {
    from = std::max<std::int64_t>(from, 1);
    std::optional<ChainReport> report;
    std::string headHash;
    bool toHead = false;
    {
        ReadSnapshot snapshot(*m_db);
        if (auto begun = snapshot.begin(); !begun) {
            return begun.error();
        }
        auto head = status();
        if (!head) {
            return head.error();
        }
        toHead = to < 0 || to >= head->lastSeq;
        if (toHead) {
            to = head->lastSeq;
        }
        headHash = head->headHash;
        std::string prevHash(kZeroHashHex);
        if (from > 1) {
            auto previous = hashAt(*m_db, from - 1);
            if (!previous) {
                return previous.error();
            }
            if (!previous->has_value()) {
                return bad(ChainReport{}, from - 1, "event is missing");
            }
            prevHash = **previous;
        }
        auto checked = verifyRange(from, to, prevHash, toHead);
        if (!checked) {
            return checked.error();
        }
        report = *checked;
    }
    if (report->ok && from == 1 && toHead) {
        // A full pass moves the checkpoint verifyNewEvents() starts from. Best effort: a failed
        // write (read-only medium, full disk) leaves the report true and the next pass longer.
        auto tx = Transaction::begin(*m_db);
        if (tx && m_db->setMeta("chain_verified_seq", std::to_string(to)) &&
            m_db->setMeta("chain_verified_hash", headHash)) {
            (void)tx->commit();
        }
    }
    return *report;
}

Result<ChainReport> EventLog::verifyNewEvents() {
    std::int64_t checkpoint = 0;
    std::string checkpointHash(kZeroHashHex);
    {
        auto seq = m_db->meta("chain_verified_seq");
        auto hash = m_db->meta("chain_verified_hash");
        if (!seq) {
            return seq.error();
        }
        if (!hash) {
            return hash.error();
        }
        if (seq->has_value() && hash->has_value()) {
            const std::string& text = **seq;
            const auto parsed = std::from_chars(text.data(), text.data() + text.size(), checkpoint);
            if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() ||
                checkpoint < 0) {
                // A damaged checkpoint only costs time: verify everything from the start.
                checkpoint = 0;
            } else {
                checkpointHash = **hash;
            }
        }
    }
    ChainReport report;
    std::int64_t head = 0;
    {
        ReadSnapshot snapshot(*m_db);
        if (auto begun = snapshot.begin(); !begun) {
            return begun.error();
        }
        if (checkpoint > 0) {
            auto stored = hashAt(*m_db, checkpoint);
            if (!stored) {
                return stored.error();
            }
            if (!stored->has_value() || **stored != checkpointHash) {
                return bad(ChainReport{}, checkpoint,
                           "event changed or vanished since it was verified");
            }
        }
        auto status = this->status();
        if (!status) {
            return status.error();
        }
        head = status->lastSeq;
        auto checked = verifyRange(checkpoint + 1, head, checkpointHash, true);
        if (!checked) {
            return checked.error();
        }
        report = *checked;
        report.verifiedFrom = checkpoint + 1;
    }
    if (report.ok && head > checkpoint) {
        auto tx = Transaction::begin(*m_db);
        if (tx) {
            auto last = hashAt(*m_db, head);
            if (last && last->has_value() &&
                m_db->setMeta("chain_verified_seq", std::to_string(head)) &&
                m_db->setMeta("chain_verified_hash", **last)) {
                (void)tx->commit();
            }
        }
    }
    return report;
}

} // namespace doorpost::storage
