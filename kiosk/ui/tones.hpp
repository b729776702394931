#pragma once
// Distinct tones for admit, deny and refer through SDL audio, so a verdict is heard as well as
// seen. Without an audio device the kiosk carries on silently and says so once.

#include "kiosk/app/ports.hpp"

#include <cstdint>
#include <string>

namespace doorpost::kiosk::ui {

class Tones {
public:
    Tones() = default;
    ~Tones();
    Tones(const Tones&) = delete;
    Tones& operator=(const Tones&) = delete;

    // Opens the default output device; false (with `error()`) when there is none.
    bool open();
    // Queues the tone; never blocks (SDL plays it from its own audio thread).
    void play(Verdict kind);
    int played() const { return m_played; }
    const std::string& error() const { return m_error; }

private:
    std::uint32_t m_device = 0;
    int m_rate = 22050;
    int m_played = 0;
    std::string m_error;
};

} // namespace doorpost::kiosk::ui
