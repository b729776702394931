#include "kiosk/app/task_runner.hpp"

#include <string>
#include <utility>

namespace doorpost::kiosk::app {

TaskRunner::TaskRunner(std::size_t capacity) : m_capacity(capacity), m_thread([this] { loop(); }) {}

TaskRunner::~TaskRunner() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_tasks.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

bool TaskRunner::submit(std::function<void()> task) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || m_tasks.size() >= m_capacity) {
            return false;
        }
        m_tasks.push_back(std::move(task));
    }
    m_wake.notify_one();
    return true;
}

Error TaskRunner::refusal() {
    std::lock_guard lock(m_mutex);
    if (m_stopping) {
        return environmentFault("shutting down");
    }
    return environmentFault("busy: " + std::to_string(m_tasks.size()) +
                            " requests already waiting");
}

void TaskRunner::loop() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
            if (m_stopping) {
                return;
            }
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        task();
    }
}

} // namespace doorpost::kiosk::app
