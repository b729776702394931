#include "kiosk/ui/ui_queue.hpp"

#include <algorithm>
#include <utility>

namespace doorpost::kiosk::ui {

void UiQueue::post(Task task, int frames) {
    std::function<void()> waker;
    {
        std::lock_guard lock(m_mutex);
        m_tasks.emplace_back(std::move(task), frames);
        waker = m_waker;
    }
    m_posted.notify_one();
    if (waker) {
        waker();
    }
}

int UiQueue::drain(UiModel& model) {
    std::vector<std::pair<Task, int>> tasks;
    {
        std::lock_guard lock(m_mutex);
        tasks.swap(m_tasks);
    }
    int frames = 0;
    for (auto& [task, wants] : tasks) {
        task(model);
        frames = std::max(frames, wants);
    }
    return frames;
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
