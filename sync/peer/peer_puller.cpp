#include "sync/peer/peer_puller.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/base/journal_log.hpp"
#include "storage/database.hpp"
#include "storage/peer_log.hpp"
#include "sync/backoff.hpp"
#include "sync/client/http_client.hpp"
#include "sync/peer/peer_answer.hpp"
#include "sync/peer/peer_wire.hpp"

#include <optional>
#include <random>

namespace doorpost::sync::peer {
namespace {

// The mesh starts pullers only for addresses that parse; anything else fails to connect.
std::string urlOf(const std::string& address) {
    auto parsed = parseHostPort(address);
    return parsed ? baseUrl(*parsed) : std::string("http://invalid.invalid:1");
}

// The end of one request. `kind` is a fixed text: the journal logs a change of kind, while
// `detail` (addresses, timings, seqs) varies from one request to the next.
struct Pull {
    bool ok = false;
    std::string kind;
    std::string detail;
    bool more = false;    // the peer holds more than it sent: ask again at once
    bool brought = false; // the answer carried records
};

// What this thread knows of the peer's chain: the epoch and last seq held.
struct Held {
    std::string epoch;
    std::int64_t seq = 0;
    std::chrono::steady_clock::time_point touched{};
};

class Session {
public:
    Session(const PeerTarget& target, const PullerOptions& options, storage::PeerLog log)
        : m_target(target), m_options(options), m_log(std::move(log)),
          m_http(client::HttpClientOptions{
              .baseUrl = urlOf(target.address),
              .token = "",
              .caFile = "",
              .userAgent = "doorpost-peer",
              .connectTimeout = options.connectTimeout,
              .requestTimeout = options.wait + std::chrono::milliseconds(3000),
              .maxAnswerBytes = kMaxAnswerBodyBytes,
              .maxHeaderBytes = 16u << 10,
          }) {}

    // The chain held at start: the most recently updated one of this door.
    Result<void> load() {
        auto heads = m_log.heads();
        if (!heads)
            return heads.error();
        std::int64_t newest = -1;
        for (const auto& head : *heads)
            if (head.device == m_target.device && head.updatedMs > newest) {
                newest = head.updatedMs;
                m_held.epoch = head.epoch;
                m_held.seq = head.seq;
            }
        return {};
    }

    Pull pull(bool wait) {
        ChainQuery query{m_held.epoch, m_held.seq,
                         wait ? std::min<std::int64_t>(m_options.wait.count(), kMaxWaitMs) : 0};
        const std::string nonce = newNonce();
        const std::string signature =
            signRequest(m_options.ownKey, query, nonce, m_options.ownDevice, m_target.device);
        auto outcome = m_http.get(chainTarget(query), "",
                                  {std::string(kDeviceHeader) + ": " + m_options.ownDevice,
                                   std::string(kNonceHeader) + ": " + nonce,
                                   std::string(kSignatureHeader) + ": " + signature});
        if (!outcome.answered)
            return {false, "unreachable", outcome.transportError};
        const auto& answer = outcome.answer;
        if (answer.status != 200)
            return {false, "answered " + std::to_string(answer.status), answer.body.substr(0, 200)};
        if (!verifyAnswer(m_target.deviceKey, answer.body,
                          answer.header("doorpost-peer-signature")))
            return {false, "an answer not signed by its enrolment key", ""};
        auto parsed = parseAnswer(answer.body);
        if (!parsed)
            return {false, "a malformed answer", parsed.error().message};
        // Another epoch than held: the peer's database is new (or this is the first pull).
        // Its chain starts at seq 1; if some of that epoch is held already, ask from there.
        if (parsed->epoch != m_held.epoch) {
            auto head = m_log.head(m_target.device, parsed->epoch);
            if (!head)
                return {false, "a local fault", head.error().message};
            if (*head && (*head)->seq > 0) {
                m_held = {parsed->epoch, (*head)->seq, {}};
                return {true, "ok", "", true, true}; // ask again at once, from there
            }
        }
        const std::int64_t first = parsed->epoch == m_held.epoch ? m_held.seq + 1 : 1;
        auto records = recordsOf(*parsed, m_target.device, nonce, first);
        if (!records)
            return {false, "a wrong answer", records.error().message};
        if (parsed->epoch != m_held.epoch)
            m_held = {parsed->epoch, 0, {}};
        if (!records->empty()) {
            auto stored = m_log.accept(m_target.device, m_held.epoch, *records);
            if (!stored)
                return {false, "a chain that does not hold", stored.error().message};
            m_held.seq = stored->head.seq;
            m_held.touched = std::chrono::steady_clock::now();
            m_stored += stored->stored;
        } else if (m_held.seq > 0 &&
                   std::chrono::steady_clock::now() - m_held.touched >= m_options.touchEvery) {
            // Nothing new: the held chain is current. Recorded now and then (see touchEvery).
            auto touched = m_log.touch(m_target.device, m_held.epoch);
            if (!touched)
                return {false, "a local fault", touched.error().message};
            m_held.touched = std::chrono::steady_clock::now();
        }
        m_peerHead = parsed->headSeq;
        // More to come only if this answer brought some: a peer claiming a head it never sends
        // would otherwise be asked again and again without a pause.
        return {true, "ok", "", parsed->headSeq > m_held.seq && !records->empty(),
                !records->empty()};
    }

    const Held& held() const { return m_held; }
    std::int64_t peerHead() const { return m_peerHead; }
    std::int64_t stored() const { return m_stored; }

private:
    const PeerTarget& m_target;
    const PullerOptions& m_options;
    storage::PeerLog m_log;
    client::HttpClient m_http;
    Held m_held;
    std::int64_t m_peerHead = 0;
    std::int64_t m_stored = 0;
};

} // namespace

PeerPuller::PeerPuller(PeerTarget target, PullerOptions options)
    : m_target(std::move(target)), m_options(std::move(options)) {
    m_status.device = m_target.device;
    m_status.address = m_target.address;
}

PeerPuller::~PeerPuller() {
    stop();
}

void PeerPuller::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
}

void PeerPuller::signalStop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
}

void PeerPuller::stop() {
    signalStop();
    if (m_thread.joinable())
        m_thread.join();
}

PeerStatus PeerPuller::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

bool PeerPuller::pause(std::chrono::milliseconds wait) {
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, wait, [this] { return m_stopping; });
}

void PeerPuller::run() {
    Backoff backoff(m_options.backoffBase, m_options.backoffCap, std::random_device{}());
    std::optional<storage::Database> db;
    std::optional<Session> session;
    std::string loggedKind; // the state the journal last heard of
    bool wait = false;      // long-poll only once caught up
    const std::string name = "mesh: peer " + m_target.device + " at " + m_target.address;
    for (;;) {
        Pull pull;
        if (!session) {
            // The puller's own connection: the gate's writes never wait on the network.
            storage::OpenOptions options;
            options.quickCheck = false;
            auto opened = storage::Database::open(m_options.dbPath, options);
            if (!opened) {
                pull = {false, "a local fault", opened.error().message};
            } else {
                db.emplace(std::move(*opened));
                auto log = storage::PeerLog::open(*db); // borrows *db, which outlives it
                if (!log) {
                    pull = {false, "a local fault", log.error().message};
                } else {
                    session.emplace(m_target, m_options, std::move(*log));
                    if (auto loaded = session->load(); !loaded) {
                        pull = {false, "a local fault", loaded.error().message};
                        session.reset();
                    }
                }
            }
        }
        const auto asked = std::chrono::steady_clock::now();
        if (session)
            pull = session->pull(wait);

        // The journal hears of changes of state only; written outside the lock.
        if (pull.kind != loggedKind) {
            if (pull.ok)
                logLine(LogPriority::Info, "doorpost", name + " reachable");
            else
                logLine(LogPriority::Warning, "doorpost",
                        name + " treated as unreachable: " + pull.kind +
                            (pull.detail.empty() ? "" : " (" + pull.detail + ")"));
            loggedKind = pull.kind;
        }
        std::chrono::milliseconds next{0};
        {
            std::lock_guard lock(m_mutex);
            m_status.reachable = pull.ok;
            if (pull.ok) {
                m_status.lastOkMs = wallClockMs();
                m_status.failuresInARow = 0;
                m_status.lastError.clear();
                m_status.answers += 1;
            } else {
                m_status.failuresInARow += 1;
                m_status.lastError = pull.kind + (pull.detail.empty() ? "" : ": " + pull.detail);
            }
            if (session) {
                m_status.epoch = session->held().epoch;
                m_status.heldSeq = session->held().seq;
                m_status.peerHeadSeq = session->peerHead();
                m_status.stored = session->stored();
            }
        }
        if (pull.ok) {
            backoff.reset();
            // An empty answer before the wait asked for is over comes from a server that does
            // not hold long polls (a genuine one answers early only with news): the rest of the
            // wait is taken here, so such a peer costs one request per wait, not a busy loop.
            if (wait && !pull.brought)
                next = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::max(std::chrono::steady_clock::duration::zero(),
                             m_options.wait - (std::chrono::steady_clock::now() - asked)));
            wait = !pull.more;
        } else {
            wait = false;
            next = backoff.next();
        }
        if (!pause(next))
            return;
    }
}

} // namespace doorpost::sync::peer
