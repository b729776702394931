// A TaskRunner that cannot take more work says so, and the request it refused is answered with
// an error through its own callback, so whoever waits for the answer is never left waiting.
#include "kiosk/app/task_runner.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

using namespace doorpost;
using namespace doorpost::kiosk::app;

TEST_CASE("a full task runner refuses work and answers the refused request with an error",
          "[task_runner]") {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> started;
    TaskRunner runner(1);
    // One task holds the runner's thread, one waits in its queue: the queue is full.
    REQUIRE(runner.submit([&started, released] {
        started.set_value();
        released.wait();
    }));
    started.get_future().wait();
    std::atomic<int> queuedAnswers{0};
    std::thread::id queuedOn;
    runner.answer<int>([] { return Result<int>(42); },
                       [&](Result<int> r) {
                           CHECK(r.ok());
                           CHECK(r.value() == 42);
                           queuedOn = std::this_thread::get_id();
                           ++queuedAnswers;
                       });
    CHECK_FALSE(runner.submit([] {}));

    int refusedAnswers = 0;
    std::thread::id refusedOn;
    bool ran = false;
    runner.answer<int>(
        [&ran] {
            ran = true;
            return Result<int>(7);
        },
        [&](Result<int> r) {
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().kind == ErrorKind::Environment);
            CHECK(r.error().message == "busy: 1 requests already waiting");
            refusedOn = std::this_thread::get_id();
            ++refusedAnswers;
        });
    // Refused: answered at once, on this thread, and the work never runs.
    CHECK(refusedAnswers == 1);
    CHECK(refusedOn == std::this_thread::get_id());

    release.set_value();
    for (int i = 0; i < 500 && queuedAnswers.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(queuedAnswers.load() == 1);
    CHECK(queuedOn != std::this_thread::get_id()); // the accepted one ran on the runner's thread
    CHECK_FALSE(ran);
    CHECK(refusedAnswers == 1);
}

TEST_CASE("a runner that takes nothing answers every request with the refusal", "[task_runner]") {
    TaskRunner closed(0);
    int answers = 0;
    for (int i = 0; i < 3; ++i) {
        closed.answer<std::string>([] { return Result<std::string>(std::string("never")); },
                                   [&answers](Result<std::string> r) {
                                       CHECK_FALSE(r.ok());
                                       ++answers;
                                   });
    }
    CHECK(answers == 3);
}
