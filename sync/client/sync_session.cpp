#include "sync/client/sync_session.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/device_key.hpp"
#include "storage/trust_generation.hpp"
#include "sync/client/sync_summary.hpp"
#include "sync/event_wire.hpp"
#include "sync/pass/subject_key.hpp"
#include "sync/set_signature.hpp"

#include <cctype>

namespace doorpost::sync::client {
namespace {

constexpr std::size_t kEnvelopeBytes = 512; // epoch, head_hash and punctuation around events
constexpr int kMaxPagesPerRound = 1000;

std::string answerMessage(const HttpAnswer& answer) {
    auto json = parseJson(answer.body);
    if (json) {
        auto body = errorBodyFromJson(*json);
        if (body)
            return body->error;
    }
    return "HTTP " + std::to_string(answer.status);
}

std::int64_t answerSeq(const HttpAnswer& answer) {
    auto json = parseJson(answer.body);
    if (!json)
        return 0;
    auto body = errorBodyFromJson(*json);
    return body ? body->seq : 0;
}

} // namespace

std::string_view toString(RoundEnd end) {
    switch (end) {
    case RoundEnd::Done:
        return "done";
    case RoundEnd::Unreachable:
        return "unreachable";
    case RoundEnd::ServerError:
        return "server_error";
    case RoundEnd::Refused:
        return "refused";
    case RoundEnd::LocalFault:
        return "local_fault";
    }
    return "local_fault";
}

Result<void> checkCentralUrl(const std::string& url, bool allowPlainHttp) {
    auto lower = url;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("https://", 0) == 0)
        return {};
    if (lower.rfind("http://", 0) != 0)
        return badInput("--central: expected an https:// or http:// URL, got " + url);
    // The host: after the scheme, up to the port, path or end; [v6] in brackets.
    std::string rest = lower.substr(7);
    rest = rest.substr(0, rest.find('/'));
    if (const auto at = rest.rfind('@'); at != std::string::npos)
        rest = rest.substr(at + 1);
    std::string host;
    if (!rest.empty() && rest.front() == '[')
        host = rest.substr(1, rest.find(']') - 1);
    else
        host = rest.substr(0, rest.find(':'));
    bool loopback = host == "localhost" || host == "::1";
    if (!loopback && host.rfind("127.", 0) == 0) {
        loopback = true;
        for (const char c : host)
            loopback = loopback && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
    }
    if (loopback || allowPlainHttp)
        return {};
    return badInput("--central " + url +
                    ": plain http:// beyond loopback would send the device token in clear; use"
                    " https:// (with --ca), or --allow-plain-http on a trusted network");
}

Result<std::unique_ptr<SyncSession>> SyncSession::open(storage::Database& db, SyncConfig config) {
    if (config.centralUrl.empty())
        return badInput("--central is required");
    if (auto allowed = checkCentralUrl(config.centralUrl, config.allowPlainHttp); !allowed)
        return allowed.error();
    if (config.token.empty())
        return badInput("--token is required");
    auto log = storage::EventLog::open(db);
    if (!log)
        return log.error();
    return std::unique_ptr<SyncSession>(new SyncSession(db, std::move(*log), std::move(config)));
}

SyncSession::SyncSession(storage::Database& db, storage::EventLog log, SyncConfig config)
    : m_db(db), m_log(std::move(log)), m_config(std::move(config)), m_state(db),
      m_http(HttpClientOptions{m_config.centralUrl, m_config.token, m_config.caFile,
                               m_config.userAgent, m_config.connectTimeout,
                               m_config.requestTimeout}),
      m_batchLimit(std::min(m_config.maxBatchEvents, kMaxEventsPerPush)) {
    if (m_batchLimit == 0)
        m_batchLimit = 1;
}

bool SyncSession::failed(const HttpOutcome& outcome, RoundReport& report, const std::string& what) {
    if (!outcome.answered) {
        report.end = RoundEnd::Unreachable;
        report.error = what + ": central unreachable: " + outcome.transportError;
        return false;
    }
    const long status = outcome.answer.status;
    report.error = what + ": central answered " + std::to_string(status) + ": " +
                   answerMessage(outcome.answer);
    if (status >= 500 || status == 429) {
        report.end = RoundEnd::ServerError;
        report.busy = status == 429;
        report.retryAfterS = std::min(retryAfterSeconds(outcome.answer.header("retry-after")),
                                      m_config.maxRetryAfterS);
    } else {
        report.end = RoundEnd::Refused;
    }
    return false;
}

void SyncSession::noteClock(const HttpAnswer& answer, std::int64_t sentMs,
                            std::int64_t receivedMs) {
    const long long serverMs = httpDateMs(answer.header("date"));
    if (serverMs < 0)
        return;
    // The Date header has one-second resolution: compare with the middle of the exchange.
    m_clockOffsetMs = serverMs + 500 - (sentMs + receivedMs) / 2;
    storage::ClockAnchor anchor;
    anchor.source = storage::AnchorSource::Sync;
    anchor.bootId = storage::currentBootId();
    anchor.boottimeMs = storage::boottimeMs() - (receivedMs - sentMs) / 2;
    anchor.wallMs = (sentMs + receivedMs) / 2;
    anchor.referenceMs = serverMs + 500;
    m_anchor = anchor;
}

RoundReport SyncSession::runRound() {
    RoundReport report = runRoundUnrecorded();
    // For `doorpost status` in any process: how this round ended. A kiosk database that cannot
    // take it has already failed the round in a way the report names.
    (void)recordRound(m_db, report, wallClockMs());
    // Likewise the clock anchor: a database that cannot take it keeps the previous one.
    if (m_anchor)
        (void)storage::recordClockAnchor(m_db, *m_anchor);
    m_anchor.reset();
    return report;
}

RoundReport SyncSession::runRoundUnrecorded() {
    RoundReport report;
    if (m_deviceId.empty() && !enrol(report))
        return report;
    if (!pushAll(report))
        return report;
    for (const auto& set : m_config.sets) {
        if (!pullSet(set, report) && report.end != RoundEnd::Done)
            return report;
    }
    return report;
}

bool SyncSession::enrol(RoundReport& report) {
    // The device's audit signing key (made on first need): the central records it, and an
    // auditor's `verify-export --central` checks an export's manifest key against it.
    auto deviceKey = storage::devicePublicKey(m_db);
    if (!deviceKey) {
        report.end = RoundEnd::LocalFault;
        report.error = deviceKey.error().message;
        return false;
    }
    const std::int64_t sent = wallClockMs();
    auto outcome =
        m_http.post("/v1/enrol", dumpJson(toJson(EnrolRequest{*deviceKey, m_log.epoch()})));
    if (!outcome.answered || outcome.answer.status != 200)
        return failed(outcome, report, "enrol");
    noteClock(outcome.answer, sent, wallClockMs());
    auto json = parseJson(outcome.answer.body);
    auto answer = json ? enrolResponseFromJson(*json) : Result<EnrolResponse>(json.error());
    if (!answer) {
        report.end = RoundEnd::ServerError;
        report.error = "enrol: malformed answer: " + answer.error().message;
        return false;
    }
    auto stored = m_state.setKey();
    if (!stored) {
        report.end = RoundEnd::LocalFault;
        report.error = stored.error().message;
        return false;
    }
    // The set key is pinned: by configuration, else by the first enrolment (trust on first use).
    const std::string expected = !m_config.pinnedSetKey.empty() ? m_config.pinnedSetKey
                                 : stored->has_value()          ? **stored
                                                                : answer->setKey;
    if (expected != answer->setKey) {
        report.end = RoundEnd::Refused;
        report.error = "enrol: the central's set key differs from the pinned key";
        return false;
    }
    if (!stored->has_value()) {
        if (auto saved = m_state.setSetKey(expected); !saved) {
            report.end = RoundEnd::LocalFault;
            report.error = saved.error().message;
            return false;
        }
    }
    auto status = m_log.status();
    if (!status) {
        report.end = RoundEnd::LocalFault;
        report.error = status.error().message;
        return false;
    }
    // Later events carry the enrolled name (each event's hash covers its own device id).
    if (status->deviceId != answer->deviceId) {
        if (auto renamed = m_log.setDeviceId(answer->deviceId); !renamed) {
            report.end = RoundEnd::LocalFault;
            report.error = renamed.error().message;
            return false;
        }
    }
    // The subject secret arrives only here, over the authenticated enrolment, and is kept in
    // the database's meta (0600, never exported or logged). A change reaches a running gate
    // through the trust generation, like any trust data. A central deriving with another
    // version of the subject key function (an upgrade of one end only) would match none of
    // this kiosk's keys: the kiosk then holds no secret (masked IDs only, tickets still match)
    // until both run the same version, and says so.
    if (!answer->subjectSecret.empty()) {
        auto held = m_db.meta(std::string(pass::kSubjectSecretMetaKey));
        if (!held) {
            report.end = RoundEnd::LocalFault;
            report.error = held.error().message;
            return false;
        }
        const bool sameVersion = answer->subjectKeyVersion == pass::kSubjectKeyVersion;
        const std::string keep = sameVersion ? answer->subjectSecret : std::string();
        if (!sameVersion)
            report.error = "subject keys: the central derives version " +
                           std::to_string(answer->subjectKeyVersion) + ", this kiosk version " +
                           std::to_string(pass::kSubjectKeyVersion) +
                           "; ID numbers get no subject key until both run one version";
        if (*held ? **held != keep : !keep.empty()) {
            auto saved = storage::changeTrustData(m_db, [&]() -> Result<void> {
                // An empty value is no secret (trust_loader reads none from it).
                return m_db.setMeta(std::string(pass::kSubjectSecretMetaKey), keep);
            });
            if (!saved) {
                report.end = RoundEnd::LocalFault;
                report.error = saved.error().message;
                return false;
            }
        }
    }
    m_deviceId = answer->deviceId;
    m_setKey = expected;
    return true;
}

bool SyncSession::pushAll(RoundReport& report) {
    const std::string epoch = m_log.epoch();
    auto localFault = [&](const Error& error) {
        report.end = RoundEnd::LocalFault;
        report.error = error.message;
        return false;
    };
    auto position = m_state.position(epoch);
    if (!position)
        return localFault(position.error());
    report.ackedThrough = position->ackedThrough;
    report.clockOffsetMs = position->clockOffsetMs;
    const std::int64_t startAcked = position->ackedThrough;
    for (;;) {
        auto status = m_log.status();
        if (!status)
            return localFault(status.error());
        report.lastSeq = status->lastSeq;
        auto quarantinedCount = m_state.quarantineCount(epoch);
        if (!quarantinedCount)
            return localFault(quarantinedCount.error());
        report.quarantined = *quarantinedCount;
        if (report.ackedThrough >= status->lastSeq)
            break;

        const std::int64_t from = report.ackedThrough + 1;
        const std::int64_t to = std::min<std::int64_t>(
            status->lastSeq, from + static_cast<std::int64_t>(m_batchLimit) - 1);
        auto events = m_log.readSeqRange(from, to);
        if (!events)
            return localFault(events.error());
        if (events->empty())
            return localFault(
                environmentFault("event log has a gap at seq " + std::to_string(from)));
        auto quarantined = m_state.quarantined(epoch, from, to);
        if (!quarantined)
            return localFault(quarantined.error());

        // The batch: as many records as fit under the byte limit (at least one).
        std::string body = R"({"epoch":)" + dumpJson(epoch) + R"(,"events":[)";
        std::size_t count = 0;
        std::string head;
        const std::string notQuarantined;
        std::string text;
        for (const auto& event : *events) {
            const auto it = quarantined->find(event.seq);
            const std::string& reason = it != quarantined->end() ? it->second : notQuarantined;
            text.clear();
            if (!appendWireJson(text, event, reason)) {
                WireEvent wire = toWire(event);
                wire.quarantined = reason;
                text = dumpJson(toJson(wire));
            }
            if (count > 0 && body.size() + text.size() + kEnvelopeBytes > kMaxPushBytes)
                break;
            if (count > 0)
                body += ',';
            body += text;
            head = event.hash;
            ++count;
        }
        body += R"(],"head_hash":")" + head + "\"}";
        const std::int64_t last = from + static_cast<std::int64_t>(count) - 1;

        const std::int64_t sent = wallClockMs();
        // The log's last seq lets the central show how far behind this door is.
        auto outcome = m_http.post("/v1/devices/" + m_deviceId + "/events", body,
                                   {"Doorpost-Log-Last-Seq: " + std::to_string(status->lastSeq)});
        const std::int64_t received = wallClockMs();
        if (outcome.answered && outcome.answer.status == 200) {
            auto json = parseJson(outcome.answer.body);
            auto answer = json ? pushResponseFromJson(*json) : Result<PushResponse>(json.error());
            if (!answer) {
                report.end = RoundEnd::ServerError;
                report.error = "push: malformed answer: " + answer.error().message;
                return false;
            }
            noteClock(outcome.answer, sent, received);
            if (auto saved = m_state.recordAck(epoch, *answer, m_clockOffsetMs, received); !saved)
                return localFault(saved.error());
            report.clockOffsetMs = m_clockOffsetMs;
            if (answer->ackedThrough < from) {
                // The central holds less than we sent from: it was restored or lost records.
                // Resending is safe; continue from what it has, but never loop on one batch.
                if (answer->ackedThrough == report.ackedThrough) {
                    report.end = RoundEnd::ServerError;
                    report.error = "push: central did not advance past seq " +
                                   std::to_string(answer->ackedThrough);
                    return false;
                }
            }
            report.ackedThrough = answer->ackedThrough;
            m_batchLimit = std::min(m_config.maxBatchEvents, kMaxEventsPerPush);
            continue;
        }
        if (!outcome.answered || outcome.answer.status >= 500 || outcome.answer.status == 429)
            return failed(outcome, report, "push");
        const long httpStatus = outcome.answer.status;
        if (httpStatus == 400 || httpStatus == 413 || httpStatus == 409) {
            // The central refused a record: find which, quarantine it and move on.
            std::int64_t seq = answerSeq(outcome.answer);
            if (seq < from || seq > last)
                seq = 0;
            if (seq == 0 && count > 1) { // which record is unknown: narrow the batch
                m_batchLimit = std::max<std::size_t>(1, count / 2);
                continue;
            }
            if (seq == 0)
                seq = from;
            const std::string reason = answerMessage(outcome.answer);
            if (auto saved = m_state.quarantine(epoch, seq, httpStatus, reason, received); !saved)
                return localFault(saved.error());
            if (httpStatus == 409 || quarantined->count(seq)) {
                // A stub is refused too (a forked chain): only an operator can resolve that.
                report.end = RoundEnd::Refused;
                report.error = "push: record " + std::to_string(seq) + " refused: " + reason;
                return false;
            }
            continue;
        }
        return failed(outcome, report, "push");
    }
    report.pushed = report.ackedThrough - startAcked;
    auto findings = m_state.findingCount();
    if (!findings)
        return localFault(findings.error());
    report.findings = *findings;
    return true;
}

bool SyncSession::pullSet(const std::string& set, RoundReport& report) {
    auto cursor = m_state.setCursor(set);
    if (!cursor) {
        report.end = RoundEnd::LocalFault;
        report.error = cursor.error().message;
        return false;
    }
    std::int64_t position = cursor->cursor;
    std::int64_t after = cursor->snapshotAfter;
    std::int64_t base = cursor->snapshotBase;
    for (int page = 0; page < kMaxPagesPerRound; ++page) {
        std::string path = "/v1/sets/" + set + "?cursor=" + std::to_string(position);
        if (position == 0 && after > 0)
            path += "&after=" + std::to_string(after) + "&base=" + std::to_string(base);
        const std::string etag = "\"" + set + ":" + std::to_string(position) + "\"";
        auto outcome = m_http.get(path, position > 0 ? etag : "");
        if (outcome.answered && outcome.answer.status == 304)
            break;
        if (outcome.answered && outcome.answer.status == 410) {
            if (position == 0 && after == 0)
                return failed(outcome, report, "pull " + set);
            position = after = base = 0; // too old: take a full snapshot
            continue;
        }
        if (outcome.answered && outcome.answer.status == 404 && set == "site")
            return true; // a central before the site set (docs/mesh.md): no peers, no failure
        if (!outcome.answered || outcome.answer.status != 200)
            return failed(outcome, report, "pull " + set);
        auto json = parseJson(outcome.answer.body);
        auto parsed = json ? setPageFromJson(*json) : Result<SetPage>(json.error());
        // A page that is malformed, for another set or position, or not signed by the central's
        // key is refused and the set kept as it was.
        std::string refusal;
        if (!parsed)
            refusal = parsed.error().message;
        else if (parsed->set != set || parsed->cursor != position ||
                 (parsed->snapshot && parsed->after != after))
            refusal = "page is for another set or cursor";
        else if (!verifySetPage(*parsed, m_setKey))
            refusal = "bad signature";
        if (!refusal.empty()) {
            report.refusedSets.push_back(set);
            report.error = "pull " + set + ": refused: " + refusal;
            return false; // end stays Done: other sets still sync
        }
        if (auto applied = m_state.applySetPage(*parsed, wallClockMs()); !applied) {
            report.end = RoundEnd::LocalFault;
            report.error = applied.error().message;
            return false;
        }
        if (parsed->snapshot && parsed->nextAfter > 0) {
            after = parsed->nextAfter;
            base = parsed->nextCursor;
        } else {
            position = parsed->nextCursor;
            after = base = 0;
        }
        if (!parsed->more)
            break;
    }
    auto applied = m_state.setCursor(set);
    if (applied)
        report.sets[set] = *applied;
    return true;
}

} // namespace doorpost::sync::client
