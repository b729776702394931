// Upgrades and downgrades of the kiosk's database (issue 15, "Upgrade"): a file written by the
// previous schema version opens under this one with every event kept, its chain intact and the
// re-entry rule still finding admissions from before; a file from a newer version is refused
// with one line and left exactly as it was.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/migrations.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

void exec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    INFO(sql << ": " << (message != nullptr ? message : ""));
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
}

std::string firstText(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
    std::string text;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return text;
}

struct RawDb {
    explicit RawDb(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    }
    ~RawDb() { sqlite3_close(db); }
    sqlite3* db = nullptr;
};

std::string subject(int person) {
    std::string key = std::to_string(1'000'000 + person);
    return key + std::string(64 - key.size(), 'a');
}

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr const char* kEveryEvent =
    "SELECT count(*) || ':' || group_concat(seq || '/' || hash, ',')"
    " FROM (SELECT seq, hash FROM events ORDER BY seq)";

} // namespace

TEST_CASE("a database of the previous schema version migrates with every event kept") {
    const int latest = static_cast<int>(migrations().size());
    constexpr int kEvents = 1100; // one full block of 1024 (filed) and a block still filling
    TempDir dir;

    // The events as the event log writes them: real ids, clocks and hash chain.
    const auto written = dir.file("written.db");
    std::string epoch;
    {
        auto db = Database::open(written);
        REQUIRE(db);
        auto log = EventLog::open(*db);
        REQUIRE(log);
        std::vector<EventDraft> drafts(kEvents);
        for (int i = 0; i < kEvents; ++i) {
            drafts[i].subjectKey = subject(i);
            drafts[i].verdict = i % 2 == 0 ? Verdict::Admit : Verdict::Deny;
            drafts[i].wallTimeMs = 1'760'000'000'000 + i * 1000;
        }
        REQUIRE(log->appendMany(drafts));
        epoch = log->epoch();
    }
    // The previous version's file: its schema, holding those rows in the tables it has.
    const auto path = dir.file("kiosk.db");
    std::string before;
    {
        RawDb raw(path);
        REQUIRE(applyMigrations(raw.db, migrations(), latest - 1));
        exec(raw.db, "ATTACH DATABASE '" + written + "' AS written");
        // What the previous release writes as it appends: events, their times, and (since
        // migration 8) the admissions filed by subject that the re-entry rule reads.
        exec(raw.db, "DELETE FROM meta; INSERT INTO meta SELECT * FROM written.meta;"
                     "INSERT INTO events SELECT * FROM written.events;"
                     "INSERT INTO events_wall_time SELECT * FROM written.events_wall_time;"
                     "INSERT INTO admissions_by_subject"
                     " SELECT * FROM written.admissions_by_subject;");
        exec(raw.db, "DETACH DATABASE written");
        before = firstText(raw.db, kEveryEvent);
        REQUIRE(firstText(raw.db, "PRAGMA user_version") == std::to_string(latest - 1));
    }
    REQUIRE(before.rfind(std::to_string(kEvents) + ":", 0) == 0);

    auto db = Database::open(path);
    REQUIRE(db);
    CHECK(*db->schemaVersion() == latest);
    CHECK_FALSE(db->movedAside());
    auto log = EventLog::open(*db);
    REQUIRE(log);
    CHECK(log->epoch() == epoch);
    const auto chain = log->verifyChain();
    REQUIRE(chain);
    CHECK(chain->ok);
    CHECK(chain->checked == kEvents);
    // The re-entry rule still sees admissions from before the upgrade, filed or recent.
    auto filed = log->lastAdmission(subject(0));
    REQUIRE(filed);
    REQUIRE(filed->has_value());
    CHECK((*filed)->seq == 1);
    auto recent = log->lastAdmission(subject(1098));
    REQUIRE(recent);
    REQUIRE(recent->has_value());
    CHECK((*recent)->seq == 1099);
    auto denied = log->lastAdmission(subject(1));
    REQUIRE(denied);
    CHECK_FALSE(denied->has_value());
    // And the chain goes on from where the previous version left it.
    EventDraft next;
    next.verdict = Verdict::Admit;
    CHECK(*log->append(next) == kEvents + 1);
    CHECK(log->verifyChain()->ok);
    RawDb raw(path);
    CHECK(firstText(raw.db, "SELECT count(*) FROM events WHERE seq <= 1100") ==
          std::to_string(kEvents));
}

TEST_CASE("a database of a newer schema version is refused and left untouched") {
    const int latest = static_cast<int>(migrations().size());
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    {
        auto db = Database::open(path);
        REQUIRE(db);
        auto log = EventLog::open(*db);
        REQUIRE(log);
        REQUIRE(log->append(EventDraft{}));
    }
    {
        RawDb raw(path);
        exec(raw.db, "PRAGMA user_version = " + std::to_string(latest + 1));
    }
    REQUIRE(!std::filesystem::exists(path + "-wal"));
    const std::string bytes = fileBytes(path);

    auto db = Database::open(path);
    REQUIRE(!db);
    CHECK(db.error().kind == ErrorKind::Environment);
    CHECK(db.error().message == "storage fault: the database has schema version " +
                                    std::to_string(latest + 1) + ", newer than this build's " +
                                    std::to_string(latest) +
                                    "; a newer version wrote it: left untouched, install that one");
    CHECK(fileBytes(path) == bytes);
    // Nothing moved aside, nothing left beside it.
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        names.push_back(entry.path().filename().string());
    }
    CHECK(names == std::vector<std::string>{"kiosk.db"});
}
