#include "kiosk/ui/ui_queue.hpp"

#include <utility>

namespace doorpost::kiosk::ui {

void UiQueue::post(Task task) {
    std::function<void()> waker;
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
        waker = m_waker;
    }
    m_posted.notify_one();
    if (waker) {
        waker();
    }
}

int UiQueue::drain(UiModel& model) {
    std::vector<Task> tasks;
    {
        std::lock_guard lock(m_mutex);
        tasks.swap(m_tasks);
    }
    for (auto& task : tasks) {
        task(model);
    }
    return static_cast<int>(tasks.size());
}

void UiQueue::waitForPost(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_posted.wait_for(lock, timeout, [this] { return !m_tasks.empty(); });
}

void UiQueue::setWaker(std::function<void()> waker) {
    std::lock_guard lock(m_mutex);
    m_waker = std::move(waker);
}

} // namespace doorpost::kiosk::ui
