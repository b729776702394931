// The kiosk's database and a data folder made for it are private whatever the umask: the
// database holds the device's signing seed (storage/base/private_files.hpp, Database::open).

#include "storage/base/private_files.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::TempDir;

namespace {

unsigned modeOf(const std::string& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

// The process's umask for one scope (a shell's usual 022 by default).
struct ScopedUmask {
    mode_t previous;
    explicit ScopedUmask(mode_t mask) : previous(::umask(mask)) {}
    ~ScopedUmask() { ::umask(previous); }
};

} // namespace

TEST_CASE("a new database is 0600 in a 0700 data folder, its WAL too, under umask 022") {
    ScopedUmask shell(022);
    TempDir dir;
    const std::string data = dir.file("var/lib/doorpost");
    const std::string path = data + "/doorpost.db";
    REQUIRE(makePrivateDirectories(data));
    REQUIRE(makePrivateDirectories(data)); // already there: fine, and left as it is
    {
        auto db = Database::open(path);
        REQUIRE(db);
        auto log = EventLog::open(*db);
        REQUIRE(log);
        EventDraft draft;
        draft.verdict = Verdict::Admit;
        REQUIRE(log->append(draft));
        CHECK(modeOf(path + "-wal") == 0600);
        CHECK(modeOf(path + "-shm") == 0600);
    }
    CHECK(modeOf(path) == 0600);
    CHECK(modeOf(data) == 0700);
    CHECK(modeOf(dir.file("var/lib")) == 0700);
    CHECK(modeOf(dir.file("var")) == 0700);
    CHECK(modeOf(dir.path().string()) == 0700); // mkdtemp's, untouched

    SECTION("an existing file and folder keep the mode they have") {
        REQUIRE(::chmod(path.c_str(), 0640) == 0);
        REQUIRE(::chmod(data.c_str(), 0750) == 0);
        REQUIRE(Database::open(path));
        CHECK(modeOf(path) == 0640);
        CHECK(modeOf(data) == 0750);
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
    CHECK(modeOf(path) == 0600);
}

TEST_CASE("a database that cannot be opened leaves no empty file behind") {
    TempDir dir;
    const std::string path = dir.file("kiosk.db");
    OpenOptions options;
    options.vfs = "no-such-vfs"; // SQLite refuses the open after the file was made
    CHECK(!Database::open(path, options));
    CHECK(::access(path.c_str(), F_OK) != 0);

    REQUIRE(createPrivateFile(path).value());
    CHECK(!createPrivateFile(path).value()); // exists: not created again
    auto underFile = createPrivateFile(path + "/x.db");
    REQUIRE(!underFile); // a folder that is a file: a fault naming the path
    CHECK(underFile.error().message.find(path) != std::string::npos);
    CHECK(!makePrivateDirectories(path + "/sub"));
}
