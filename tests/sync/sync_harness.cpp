#include "tests/sync/sync_harness.hpp"

#include "storage/base/hex.hpp"
#include "sync/backoff.hpp"
#include "sync/set_signature.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

namespace doorpost::sync::test {

std::optional<std::string> postgresServerUrl() {
    if (const char* url = std::getenv("DOORPOST_PG_URL"); url && *url)
        return std::string(url);
#ifdef DOORPOST_PG_STATE
    std::ifstream file(std::string(DOORPOST_PG_STATE) + "/url");
    std::string url;
    if (file && std::getline(file, url) && !url.empty())
        return url;
#endif
    if (const char* skip = std::getenv("DOORPOST_SKIP_POSTGRES");
        skip && std::string(skip) == "1") {
        WARN("PostgreSQL test skipped: DOORPOST_SKIP_POSTGRES=1");
        return std::nullopt;
    }
    FAIL("no PostgreSQL: run through scripts/with-postgres.sh or the ctest fixture "
         "(set DOORPOST_SKIP_POSTGRES=1 to skip locally)");
    return std::nullopt;
}

PostgresDatabase::PostgresDatabase(const std::string& serverUrl) : m_serverUrl(serverUrl) {
    unsigned char random[6];
    randombytes_buf(random, sizeof random);
    m_name = "t_" + toHex(random, sizeof random);
    auto session = central::openPostgresSession(serverUrl);
    REQUIRE(session.ok());
    auto created = (*session)->run("CREATE DATABASE " + m_name);
    INFO((created ? "" : created.error().message));
    REQUIRE(created.ok());
    m_url = serverUrl.substr(0, serverUrl.rfind('/') + 1) + m_name;
}

PostgresDatabase::~PostgresDatabase() {
    auto session = central::openPostgresSession(m_serverUrl);
    if (session)
        (void)(*session)->run("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
}

const char* backendName(Backend backend) {
    switch (backend) {
    case Backend::Sqlite:
        return "sqlite";
    case Backend::Postgres:
        return "postgres";
    case Backend::PostgresTwoCentrals:
        return "postgres-two-centrals";
    }
    return "?";
}

StoreLocation::StoreLocation(Backend backend) : m_backend(backend) {
    if (backend == Backend::Sqlite) {
        m_location = m_dir.file("central.db");
        return;
    }
    const auto server = postgresServerUrl();
    if (!server)
        return;
    m_postgres = std::make_unique<PostgresDatabase>(*server);
    m_location = m_postgres->url();
}

InProcessCentral::InProcessCentral(const std::string& location, central::StoreOptions options,
                                   central::ServerOptions serverOptions) {
    auto store = central::CentralStore::open(location, options);
    INFO((store ? "" : store.error().message));
    REQUIRE(store.ok());
    m_store = std::move(*store);
    m_server = std::make_unique<central::CentralServer>(*m_store, std::move(serverOptions));
    auto port = m_server->bind();
    REQUIRE(port.ok());
    m_port = *port;
    m_thread = std::thread([this] { m_server->run(); });
}

InProcessCentral::~InProcessCentral() {
    m_server->stop();
    m_thread.join();
}

Kiosk::Kiosk() : m_path(m_dir.file("kiosk.db")) {
    storage::OpenOptions options;
    options.synchronous = storage::Synchronous::Normal;
    auto db = storage::Database::open(m_path, options);
    REQUIRE(db.ok());
    m_db.emplace(std::move(*db));
    auto log = storage::EventLog::open(*m_db);
    REQUIRE(log.ok());
    m_log.emplace(std::move(*log));
}

std::string subjectKeyFor(const std::string& subject) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(subject.data()),
                       subject.size());
    return toHex(digest, sizeof digest);
}

void Kiosk::append(int count, const std::string& subjectPrefix, Verdict verdict,
                   std::int64_t wallTimeMs) {
    const Result<void> appended = tryAppend(count, subjectPrefix, verdict, wallTimeMs);
    INFO((appended ? "" : appended.error().message));
    REQUIRE(appended.ok());
}

Result<void> Kiosk::tryAppend(int count, const std::string& subjectPrefix, Verdict verdict,
                              std::int64_t wallTimeMs) {
    // Appended in chunks, each one transaction: this is setup, not what the tests measure.
    std::vector<storage::EventDraft> drafts;
    for (int i = 0; i < count; ++i) {
        storage::EventDraft& draft = drafts.emplace_back();
        draft.kind = storage::EventKind::Scan;
        draft.credentialType = "dp1";
        const std::string subject = subjectPrefix + std::to_string(m_counter++);
        draft.subjectKey = subjectKeyFor(subject);
        draft.maskedId = "1101**********" + std::to_string(1000 + m_counter % 9000);
        draft.verdict = verdict;
        draft.reasons = {verdict == Verdict::Admit ? "ok" : "denied"};
        draft.detail = R"({"pass_id":"pass-)" + subject + R"(","room":"A-101"})";
        if (wallTimeMs)
            draft.wallTimeMs = wallTimeMs;
        if (drafts.size() == 500 || i + 1 == count) {
            auto seq = m_log->appendMany(drafts);
            if (!seq)
                return seq.error();
            drafts.clear();
        }
    }
    return {};
}

storage::LogStatus Kiosk::status() {
    auto status = m_log->status();
    REQUIRE(status.ok());
    return *status;
}

client::SyncConfig testConfig(const std::string& url, const std::string& token) {
    client::SyncConfig config;
    config.centralUrl = url;
    config.token = token;
    config.connectTimeout = std::chrono::milliseconds(1000);
    config.requestTimeout = std::chrono::milliseconds(5000);
    config.interval = std::chrono::milliseconds(20);
    config.backoffBase = std::chrono::milliseconds(1);
    config.backoffCap = std::chrono::milliseconds(20);
    return config;
}

client::RoundReport syncUntilDone(storage::Database& db, const client::SyncConfig& config,
                                  int maxRounds) {
    // Runs on helper threads too: no Catch2 assertions here; the caller checks the report.
    auto session = client::SyncSession::open(db, config);
    if (!session) {
        client::RoundReport failed;
        failed.end = client::RoundEnd::LocalFault;
        failed.error = "open sync session: " + session.error().message;
        return failed;
    }
    Backoff backoff(config.backoffBase, config.backoffCap, 42);
    client::RoundReport report;
    for (int round = 0; round < maxRounds; ++round) {
        report = (*session)->runRound();
        if (report.end == client::RoundEnd::Done)
            return report;
        std::this_thread::sleep_for(report.busy ? backoff.busy(report.retryAfterS)
                                                : backoff.next(report.retryAfterS));
    }
    return report;
}

void requireCentralHoldsExactly(const std::string& location, const std::string& device,
                                Kiosk& kiosk) {
    const storage::LogStatus status = kiosk.status();
    auto session = central::openSqlSession(location);
    REQUIRE(session.ok());
    auto count = (*session)->run("SELECT COUNT(*) FROM events WHERE device = $1", {device});
    REQUIRE(count.ok());
    CHECK(count->integer(0, 0) == status.lastSeq); // nothing lost, nothing duplicated
    auto rows = (*session)->run("SELECT seq, hash FROM events WHERE device = $1 AND epoch = $2"
                                " ORDER BY seq",
                                {device, status.epoch});
    REQUIRE(rows.ok());
    REQUIRE(static_cast<std::int64_t>(rows->size()) == status.lastSeq);
    auto events = kiosk.log().readSeqRange(1, status.lastSeq);
    REQUIRE(events.ok());
    std::int64_t mismatches = 0;
    for (std::size_t i = 0; i < rows->size(); ++i)
        if (rows->integer(i, 0) != (*events)[i].seq || rows->text(i, 1) != (*events)[i].hash)
            ++mismatches;
    CHECK(mismatches == 0);
    auto chain = (*session)->run("SELECT acked_through, head_hash FROM chains WHERE device = $1"
                                 " AND epoch = $2",
                                 {device, status.epoch});
    REQUIRE(chain.ok());
    REQUIRE(chain->size() == 1);
    CHECK(chain->integer(0, 0) == status.lastSeq);
    CHECK(chain->text(0, 1) == status.headHash); // the chain heads are equal
}

} // namespace doorpost::sync::test

namespace doorpost::sync::test {

std::int64_t syncStatePosition(Kiosk& kiosk) {
    client::SyncState state(kiosk.db());
    auto position = state.position(kiosk.status().epoch);
    REQUIRE(position.ok());
    return position->ackedThrough;
}

} // namespace doorpost::sync::test
