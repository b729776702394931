#pragma once
// TaskRunner: one worker thread that runs closures in order. Work the UI must not wait for
// (argon2id hashing, SQLite reads) is handed to one of these; results come back through UiQueue.
// Bounded: a full queue refuses new work instead of growing without limit. A refusal is never
// silent: submit() says so, and answer() hands the refused request's callback an error, so the
// one waiting for it (a chip, a counter, an in-flight flag) hears back either way.
//
// Threads meet here: any thread submits (a short lock, a push, a notify); the runner's thread
// pops and runs tasks with no lock held.

#include "storage/base/result.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace doorpost::kiosk::app {

class TaskRunner {
public:
    explicit TaskRunner(std::size_t capacity = 64);
    ~TaskRunner(); // finishes the task in hand, drops the rest, joins
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    // Any thread. Returns false when the queue is full or the runner is stopping; the task is
    // then dropped, and whoever waits for its result must be told (see answer()).
    [[nodiscard]] bool submit(std::function<void()> task);

    // Any thread: runs `work` (returning Result<T>) on the runner's thread and hands its result
    // to `done` there. Refused, `done` gets the refusal as an error at once, on the caller's
    // thread. Either way `done` runs exactly once.
    template <typename T, typename Work>
    void answer(Work work, std::function<void(Result<T>)> done) {
        auto callback = std::make_shared<std::function<void(Result<T>)>>(std::move(done));
        if (!submit([work = std::move(work), callback]() mutable { (*callback)(work()); })) {
            (*callback)(refusal());
        }
    }

private:
    void loop();
    Error refusal(); // why the last submit was refused

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks; // guarded by m_mutex
    std::size_t m_capacity;
    bool m_stopping = false; // guarded by m_mutex
    std::thread m_thread;    // started last, after every member it reads
};

} // namespace doorpost::kiosk::app
