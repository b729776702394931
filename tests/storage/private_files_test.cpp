// The kiosk's database is private whatever the umask: it holds the device's signing seed
// (storage/base/private_file.hpp, Database::open).

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/file_mode.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::fileMode;
using doorpost::test::TempDir;

namespace {

// The process's umask for one scope (a shell's usual 022 by default).
struct ScopedUmask {
    mode_t previous;
    explicit ScopedUmask(mode_t mask) : previous(::umask(mask)) {}
    ~ScopedUmask() { ::umask(previous); }
};

} // namespace

TEST_CASE("a new database is 0600, its WAL too, under umask 022") {
    ScopedUmask shell(022);
    TempDir dir;
    const std::string data = dir.file("data");
    REQUIRE(::mkdir(data.c_str(), 0700) == 0);
    const std::string path = data + "/doorpost.db";
    {
        auto db = Database::open(path);
        REQUIRE(db);
        auto log = EventLog::open(*db);
        REQUIRE(log);
        EventDraft draft;
        draft.verdict = Verdict::Admit;
        REQUIRE(log->append(draft));
        CHECK(fileMode(path + "-wal") == 0600);
        CHECK(fileMode(path + "-shm") == 0600);
    }
    CHECK(fileMode(path) == 0600);
    CHECK(fileMode(data) == 0700); // the folder is left as it was

    SECTION("an older database left readable by others is narrowed to 0600 at open") {
        REQUIRE(::chmod(path.c_str(), 0644) == 0);
        REQUIRE(Database::open(path));
        CHECK(fileMode(path) == 0600);
    }
}

TEST_CASE("the fresh database made after moving a corrupt one aside is 0600 too") {
    ScopedUmask open(0);
    TempDir dir;
    const std::string path = dir.file("kiosk.db");
    {
        std::FILE* junk = std::fopen(path.c_str(), "wb");
        REQUIRE(junk != nullptr);
        std::fputs("this is not a SQLite database, not even close; 100 bytes of it or so, padded "
                   "to be sure it is read",
                   junk);
        std::fclose(junk);
    }
    auto db = Database::open(path);
    REQUIRE(db);
    REQUIRE(db->movedAside());
    CHECK(fileMode(path) == 0600);
}
