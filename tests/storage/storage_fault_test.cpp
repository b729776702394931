// Disk-full and I/O-error injection (issue 2, "What it must show" 4): an append that cannot be
// made durable fails with "storage fault: ...", nothing is reported recorded that is not, the
// database stays intact, and appends work again on the same connection once the fault is gone.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/storage/fault_vfs.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <vector>

using namespace doorpost;
using namespace doorpost::storage;
using namespace doorpost::test;
using namespace doorpost::storage::test;

namespace {

EventDraft draft(int i) {
    EventDraft d;
    d.subjectKey = "subject-" + std::to_string(i);
    d.verdict = Verdict::Admit;
    d.detail = R"({"raw":")" + std::string(200, 'x') + R"("})";
    return d;
}

// What the caller was told: the seqs returned, and how many appends failed.
struct Told {
    std::vector<std::int64_t> recorded;
    int failures = 0;
    std::string lastError;
};

void appendAndTell(EventLog& log, int i, Told& told) {
    auto seq = log.append(draft(i));
    if (seq) {
        told.recorded.push_back(*seq);
    } else {
        ++told.failures;
        told.lastError = seq.error().message;
        CHECK(seq.error().kind == doorpost::ErrorKind::Environment);
        CHECK(seq.error().message.rfind("storage fault: ", 0) == 0);
    }
}

// Reopens the file with the plain unix VFS and checks that exactly what was reported is there.
void checkAfterwards(const std::string& path, const Told& told) {
    faultPlan() = FaultPlan{};
    auto db = Database::open(path);
    REQUIRE(db);
    REQUIRE_FALSE(db->movedAside());
    CHECK(*db->integrityCheck() == "ok");
    auto log = EventLog::open(*db);
    REQUIRE(log);
    auto chain = log->verifyChain();
    REQUIRE(chain);
    CHECK(chain->ok);
    // Seqs were handed out 1, 2, 3... with no gap and no event the caller was not told about.
    const auto status = log->status();
    REQUIRE(status->events == static_cast<std::int64_t>(told.recorded.size()));
    for (std::size_t i = 0; i < told.recorded.size(); ++i) {
        CHECK(told.recorded[i] == static_cast<std::int64_t>(i + 1));
    }
}

struct FaultyDb {
    TempDir dir;
    std::string path = dir.file("kiosk.db");
    Database db;
    EventLog log;
    static FaultyDb make() {
        faultPlan() = FaultPlan{};
        OpenOptions options;
        options.vfs = registerFaultVfs();
        return FaultyDb(options);
    }

private:
    explicit FaultyDb(const OpenOptions& options)
        : db(std::move(Database::open(path, options).value())),
          log(std::move(EventLog::open(db).value())) {}
};

} // namespace

TEST_CASE("Disk full (a byte quota on the files): append fails, then recovers") {
    auto f = FaultyDb::make();
    Told told;
    for (int i = 0; i < 20; ++i) {
        appendAndTell(f.log, i, told);
    }
    REQUIRE(told.failures == 0);
    // The disk fills up: only a little room is left beyond what the files use now.
    faultPlan().quotaBytes = static_cast<std::int64_t>(
        std::filesystem::file_size(f.path) + std::filesystem::file_size(f.path + "-wal") + 20000);
    for (int i = 20; i < 400 && told.failures < 5; ++i) {
        appendAndTell(f.log, i, told);
    }
    REQUIRE(told.failures == 5);
    CHECK(told.lastError.find("full") != std::string::npos);
    CHECK(*f.db.integrityCheck() == "ok");
    CHECK(f.log.verifyChain()->ok);
    CHECK(f.log.status()->events == static_cast<std::int64_t>(told.recorded.size()));

    faultPlan().quotaBytes = -1; // space is back
    const auto before = told.recorded.size();
    for (int i = 0; i < 10; ++i) {
        appendAndTell(f.log, 1000 + i, told);
    }
    CHECK(told.recorded.size() == before + 10);
    checkAfterwards(f.path, told);
}

TEST_CASE("Disk full (PRAGMA max_page_count): append fails, then recovers") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    auto db = Database::open(path);
    REQUIRE(db);
    auto log = EventLog::open(*db);
    REQUIRE(log);
    Told told;
    for (int i = 0; i < 20; ++i) {
        appendAndTell(*log, i, told);
    }
    auto pages = db->prepare("PRAGMA page_count");
    REQUIRE(*pages->step());
    const auto pageCount = pages->columnInt(0);
    pages->reset();
    REQUIRE(db->exec("PRAGMA max_page_count = " + std::to_string(pageCount + 3)));
    for (int i = 20; i < 400 && told.failures < 3; ++i) {
        appendAndTell(*log, i, told);
    }
    REQUIRE(told.failures == 3);
    CHECK(told.lastError.find("full") != std::string::npos);
    CHECK(*db->integrityCheck() == "ok");
    CHECK(log->verifyChain()->ok);

    REQUIRE(db->exec("PRAGMA max_page_count = 1073741823"));
    const auto before = told.recorded.size();
    appendAndTell(*log, 999, told);
    CHECK(told.recorded.size() == before + 1);
    checkAfterwards(path, told);
}

TEST_CASE("I/O errors on write at every point of an append: nothing half-recorded") {
    auto f = FaultyDb::make();
    Told told;
    for (int i = 0; i < 5; ++i) {
        appendAndTell(f.log, i, told);
    }
    // Fail the k-th write operation from now, for every k an append and a checkpoint reach.
    for (int k = 0; k < 12; ++k) {
        faultPlan().failWritesFromOp = faultOpCount() + k;
        appendAndTell(f.log, 100 + k, told);
        faultPlan().failWritesFromOp = -1;
        appendAndTell(f.log, 200 + k, told); // works again at once, same connection
        REQUIRE(told.failures <= k + 1);
        CHECK(*f.db.integrityCheck() == "ok");
    }
    CHECK(told.failures >= 3); // the injection hit some appends
    CHECK(f.log.verifyChain()->ok);
    checkAfterwards(f.path, told);
}

TEST_CASE("A failing fsync fails the append with a storage fault") {
    auto f = FaultyDb::make();
    Told told;
    appendAndTell(f.log, 0, told);
    faultPlan().failSyncs = true;
    appendAndTell(f.log, 1, told);
    CHECK(told.failures == 1);
    CHECK(told.lastError.find("storage fault") == 0);
    faultPlan().failSyncs = false;
    appendAndTell(f.log, 2, told);
    CHECK(told.recorded.size() == 2);
    CHECK(f.log.verifyChain()->ok);
    checkAfterwards(f.path, told);
}
