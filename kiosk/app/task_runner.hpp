#pragma once
// TaskRunner: one worker thread that runs closures in order. Work the UI must not wait for
// (argon2id hashing, SQLite reads) is handed to one of these; results come back through UiQueue.
// Bounded: a full queue refuses new work instead of growing without limit.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace doorpost::kiosk::app {

class TaskRunner {
public:
    explicit TaskRunner(std::size_t capacity = 64);
    ~TaskRunner(); // finishes the task in hand, drops the rest, joins
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    // Any thread. Returns false when the queue is full or the runner is stopping.
    bool submit(std::function<void()> task);

private:
    void loop();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks; // guarded by m_mutex
    std::size_t m_capacity;
    bool m_stopping = false; // guarded by m_mutex
    std::thread m_thread;    // started last, after every member it reads
};

} // namespace doorpost::kiosk::app
