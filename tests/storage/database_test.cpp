#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/migrations.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

std::string pragma(Database& db, const char* sql) {
    auto stmt = db.prepare(sql);
    REQUIRE(stmt);
    auto row = stmt->step();
    REQUIRE(row);
    REQUIRE(*row);
    return stmt->columnText(0);
}

std::vector<std::string> corruptSiblings(const TempDir& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        const auto name = entry.path().filename().string();
        if (name.find(".corrupt-") != std::string::npos) {
            names.push_back(name);
        }
    }
    return names;
}

void fillEvents(Database& db, int count) {
    auto log = EventLog::open(db);
    REQUIRE(log);
    for (int i = 0; i < count; ++i) {
        EventDraft draft;
        draft.subjectKey = "subject-" + std::to_string(i);
        draft.verdict = Verdict::Admit;
        draft.detail = R"({"raw":"padding padding padding padding padding padding"})";
        REQUIRE(log->append(draft));
    }
}

} // namespace

TEST_CASE("Database opens with the pragmas of DESIGN.md") {
    TempDir dir;
    auto db = Database::open(dir.file("kiosk.db"));
    REQUIRE(db);
    CHECK(pragma(*db, "PRAGMA journal_mode") == "wal");
    CHECK(pragma(*db, "PRAGMA synchronous") == "2"); // FULL
    CHECK(pragma(*db, "PRAGMA foreign_keys") == "1");
    CHECK(std::stoi(pragma(*db, "PRAGMA busy_timeout")) > 0);
    CHECK(*db->schemaVersion() == static_cast<int>(migrations().size()));
    CHECK_FALSE(db->movedAside());
}

TEST_CASE("A new database gets a random epoch and a default device id, kept across opens") {
    TempDir dir;
    std::string epoch;
    {
        auto db = Database::open(dir.file("kiosk.db"));
        REQUIRE(db);
        epoch = **db->meta("epoch");
        CHECK(epoch.size() == 32);
        CHECK((**db->meta("device_id")).rfind("dev-", 0) == 0);
    }
    auto again = Database::open(dir.file("kiosk.db"));
    REQUIRE(again);
    CHECK(**again->meta("epoch") == epoch);

    auto other = Database::open(dir.file("other.db"));
    REQUIRE(other);
    CHECK(**other->meta("epoch") != epoch);
}

TEST_CASE("A file that is not a database is moved aside, kept, reported, and replaced") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    const std::string garbage(8192, 'x');
    std::ofstream(path, std::ios::binary) << garbage;

    auto db = Database::open(path);
    REQUIRE(db);
    REQUIRE(db->movedAside());
    CHECK(db->movedAside()->path.rfind(path + ".corrupt-", 0) == 0);
    CHECK_FALSE(db->movedAside()->reason.empty());
    // Never deleted: the moved file holds the original bytes.
    std::ifstream moved(db->movedAside()->path, std::ios::binary);
    const std::string kept((std::istreambuf_iterator<char>(moved)), {});
    CHECK(kept == garbage);
    // Reported persistently in the fresh database.
    auto note = db->meta("moved_aside");
    REQUIRE(note);
    REQUIRE(note->has_value());
    CHECK(note->value().find(db->movedAside()->path) != std::string::npos);
    CHECK(EventLog::open(*db)->status()->events == 0);
}

TEST_CASE("A truncated database is detected by quick_check and moved aside") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    {
        auto db = Database::open(path);
        REQUIRE(db);
        fillEvents(*db, 400);
        // Move everything into the main file so truncating it loses committed pages.
        REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    const auto size = std::filesystem::file_size(path);
    REQUIRE(size > 16 * 4096);
    std::filesystem::resize_file(path, size / 2);

    auto db = Database::open(path);
    REQUIRE(db);
    REQUIRE(db->movedAside());
    CHECK(std::filesystem::file_size(db->movedAside()->path) == size / 2);
    CHECK(corruptSiblings(dir).size() >= 1);
    auto log = EventLog::open(*db);
    REQUIRE(log);
    CHECK(log->status()->events == 0);
    CHECK(log->append(EventDraft{}));
}

TEST_CASE("A damaged page inside a database is detected and moved aside") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    {
        auto db = Database::open(path);
        REQUIRE(db);
        fillEvents(*db, 400);
        REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    {
        // Overwrite the b-tree page headers of pages 3 to 8 (events table and indexes) with junk.
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        const std::string junk(64, '\x5a');
        for (int page = 3; page <= 8; ++page) {
            file.seekp((page - 1) * 4096);
            file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        }
    }
    auto db = Database::open(path);
    REQUIRE(db);
    CHECK(db->movedAside());
}

TEST_CASE("Opening a file in a missing directory is an environment fault, nothing moved") {
    TempDir dir;
    auto db = Database::open(dir.file("no/such/dir/kiosk.db"));
    REQUIRE_FALSE(db);
    CHECK(db.error().kind == doorpost::ErrorKind::Environment);
    CHECK(db.error().message.rfind("storage fault: ", 0) == 0);
    CHECK(corruptSiblings(dir).empty());
}

TEST_CASE("Transaction rolls back unless committed") {
    TempDir dir;
    auto db = Database::open(dir.file("kiosk.db"));
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t(x INTEGER)"));
    {
        auto tx = Transaction::begin(*db);
        REQUIRE(tx);
        REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    }
    CHECK(pragma(*db, "SELECT count(*) FROM t") == "0");
    {
        auto tx = Transaction::begin(*db);
        REQUIRE(tx);
        REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
        REQUIRE(tx->commit());
    }
    CHECK(pragma(*db, "SELECT count(*) FROM t") == "1");
}
