// `doorpost --db FILE status --json`, run as the real binary.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using doorpost::test::runBinary;
using doorpost::test::TempDir;

TEST_CASE("status --json reports events, last seq, epoch and chain_ok") {
    TempDir dir;
    const auto path = dir.file("kiosk.db");
    std::string epoch;
    {
        auto db = Database::open(path);
        REQUIRE(db);
        auto log = EventLog::open(*db);
        REQUIRE(log);
        for (int i = 0; i < 3; ++i) {
            EventDraft draft;
            draft.verdict = Verdict::Admit;
            REQUIRE(log->append(draft));
        }
        epoch = log->epoch();
    }
    auto run = runBinary("doorpost", "--db " + path + " status --json");
    REQUIRE(run.exitCode == 0);
    const auto status = nlohmann::json::parse(run.out);
    CHECK(status["events"] == 3);
    CHECK(status["last_seq"] == 3);
    CHECK(status["epoch"] == epoch);
    CHECK(status["chain_ok"] == true);
    CHECK(status["head_hash"].get<std::string>().size() == 64);
    CHECK(status["device_id"].get<std::string>().rfind("dev-", 0) == 0);

    SECTION("a tampered log is a negative result naming the seq") {
        {
            auto db = Database::open(path);
            REQUIRE(db->exec("UPDATE events SET masked_id = 'x' WHERE seq = 2"));
        }
        auto tampered = runBinary("doorpost", "--db " + path + " status --json --full");
        CHECK(tampered.exitCode == 1);
        const auto report = nlohmann::json::parse(tampered.out);
        CHECK(report["chain_ok"] == false);
        CHECK(report["chain_first_bad_seq"] == 2);
        CHECK(report["integrity"] == "ok");
    }
}

TEST_CASE("status on a missing file is bad input and creates nothing") {
    TempDir dir;
    const auto path = dir.file("missing.db");
    CHECK(runBinary("doorpost", "--db " + path + " status --json").exitCode == 2);
    CHECK_FALSE(std::filesystem::exists(path));
}
