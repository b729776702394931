// A query the query thread cannot take (its queue full) is answered with an error: the door says
// its figures could not be read, and the chips and counters are read again with the next status
// read instead of stopping for good (an unanswered request left them "in flight" forever).
#include "ui_harness.hpp"

#include <atomic>
#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk;
using namespace doorpost::kiosk::ui;

namespace {

// The first status read and the first counters read go to a runner that takes nothing (as a full
// one); everything after to one that answers.
class RefusingQuery final : public app::QueryPort {
public:
    void todayCounters(std::function<void(Result<app::TodayCounters>)> done) override {
        runner(m_countersRefusals)
            .answer<app::TodayCounters>(
                []() -> Result<app::TodayCounters> {
                    return app::TodayCounters{7, 1, 2, 3};
                },
                std::move(done));
    }
    void kioskStatus(std::function<void(Result<app::KioskStatus>)> done) override {
        runner(m_statusRefusals)
            .answer<app::KioskStatus>(
                []() -> Result<app::KioskStatus> {
                    app::KioskStatus status;
                    status.syncRunning = true;
                    status.online = true;
                    return status;
                },
                std::move(done));
    }
    void statsPer10Min(std::int64_t, std::int64_t,
                       std::function<void(Result<std::vector<app::StatsBucket>>)> done) override {
        done(std::vector<app::StatsBucket>{});
    }
    void roster(std::string,
                std::function<void(Result<std::vector<app::RosterEntry>>)> done) override {
        done(std::vector<app::RosterEntry>{});
    }

private:
    app::TaskRunner& runner(std::atomic<int>& refusals) {
        return refusals.fetch_sub(1) > 0 ? m_full : m_open;
    }

    std::atomic<int> m_countersRefusals{1};
    std::atomic<int> m_statusRefusals{1};
    app::TaskRunner m_full{0};
    app::TaskRunner m_open; // last: stops before the rest
};

} // namespace

TEST_CASE("a refused query shows on the door and the chips and counters are read again",
          "[query]") {
    RefusingQuery query;
    AppConfig config;
    config.headless = true;
    config.sound = false;
    config.statusEveryMs = 300;
    config.scriptText = "wait-for counts_not_read true\n"
                        "expect admitted 0\n"
                        "expect central unknown\n"
                        "wait-for counts_not_read false 3000\n"
                        "expect admitted 7\n"
                        "expect central online\n";
    App app(config, UiPorts{nullptr, &query, nullptr});
    REQUIRE(app.start().ok());
    const auto run = app.run();
    INFO(app.failure());
    REQUIRE(run.ok());
    CHECK(run.value() == 0);
}
