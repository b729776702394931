#pragma once
// UiQueue: the one place where other threads meet the UI thread. Camera, gate, query and staff
// workers post closures here; the UI thread drains the queue once per frame, before drawing, and
// only then do the closures touch UI state. The lock is held for a swap, never while a closure
// runs, so a slow closure never stalls a poster and a poster never stalls a frame.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace doorpost::kiosk::ui {

struct UiModel;

class UiQueue {
public:
    using Task = std::function<void(UiModel&)>;

    // Called from any thread. Wakes the UI loop if it is idling in its event wait. `frames`:
    // how many frames the change needs drawn (2 where layout may move, as text changes do; 1
    // for a new camera preview, which only repaints its panel).
    void post(Task task, int frames = 2);

    // UI thread only: runs everything posted so far; returns the most frames any of it asked
    // for (0: nothing was posted).
    int drain(UiModel& model);

    // UI thread: sleeps until something is posted or `timeout` passes. Used where SDL has no
    // real event wait (the offscreen driver polls), so an idle headless kiosk stays idle.
    void waitForPost(std::chrono::milliseconds timeout);

    // How to wake the loop (an SDL user event); cleared by the app before SDL shuts down.
    void setWaker(std::function<void()> waker);

private:
    std::mutex m_mutex;
    std::condition_variable m_posted;
    std::vector<std::pair<Task, int>> m_tasks; // guarded by m_mutex
    std::function<void()> m_waker;             // guarded by m_mutex
};

} // namespace doorpost::kiosk::ui
