// A verdict naming someone whose hanzi the kiosk has never shown: the glyphs are drawn off the UI
// thread, and the first frame that shows the verdict already has them (the frame waits the few
// milliseconds that takes rather than show blanks where the name goes).
#include "ui_harness.hpp"

#include <atomic>
#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::kiosk;
using namespace doorpost::kiosk::ui;

namespace {

// Admits every read, naming the person after "NAME:" in the read's text.
class NamingGate final : public app::GatePort {
public:
    void submitRead(app::CodeRead read, app::VerdictCallback done) override {
        const bool queued = m_worker.submit([this, read = std::move(read), done = std::move(done)] {
            app::VerdictView view;
            view.kind = Verdict::Admit;
            view.seq = ++m_seq;
            view.reasonCodes = {"roster_match"};
            view.reasonZh = "通过"; // in the strings table: only the name is new
            view.reasonEn = "Admit";
            view.name = read.text.substr(read.text.find(':') + 1);
            done(view);
        });
        REQUIRE(queued);
    }
    void submitRegistration(app::ManualRegistration, app::VerdictCallback done) override {
        done(environmentFault("not in this test"));
    }

private:
    std::atomic<std::int64_t> m_seq{0};
    app::TaskRunner m_worker; // last: stops before the rest
};

} // namespace

TEST_CASE("the first frame of a verdict with a never-seen name already has the name's glyphs",
          "[fonts]") {
    NamingGate gate;
    AppConfig config;
    config.headless = true;
    config.sound = false;
    config.scriptText = "scan NAME:鑫淼犇\n"
                        "wait-for verdict admit\n"
                        "expect glyphs_pending 0\n"
                        "scan NAME:鑫淼\n" // seen now: nothing new to draw
                        "wait-for verdict_seq 2\n"
                        "expect glyphs_pending 0\n";
    App app(config, UiPorts{&gate, nullptr, nullptr});
    REQUIRE(app.start().ok());
    REQUIRE(app.fontWarning().empty());
    const int glyphs = app.state()["glyphs"].get<int>();
    const auto run = app.run();
    INFO(app.failure());
    REQUIRE(run.ok());
    CHECK(run.value() == 0);
    CHECK(app.state()["glyphs"].get<int>() == glyphs + 3);
    CHECK(app.glyphsPending() == 0);
}
