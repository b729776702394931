#pragma once
// Keyboard-wedge scanners type what they read as key events, ending in Enter or Tab. A scanner
// types a whole code in a fast, even burst (a few ms a key); a person types 60-300 ms a key.
// The parser turns Linux input key events (as read from /dev/input/eventN) into reads, keeping
// only fast bursts, so a staff member typing in the same keyboard never produces a "scan".

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace doorpost::drivers::scanner {

// One Linux input key event (EV_KEY): code from <linux/input-event-codes.h>, value 1 press,
// 0 release, 2 auto-repeat.
struct KeyEvent {
    std::chrono::microseconds time{0};
    std::uint16_t code = 0;
    std::int32_t value = 0;
};

struct WedgeConfig {
    std::chrono::milliseconds maxGap{35}; // longest pause between two keys of one scan
    std::size_t minLength = 4;            // shorter bursts are keyboard noise
    std::size_t maxLength = 4096;
};

struct WedgeRead {
    std::string text;
    char terminator = '\n'; // '\n' (Enter) or '\t' (Tab)
    std::chrono::microseconds duration{0};
};

class WedgeParser {
public:
    explicit WedgeParser(WedgeConfig config = {}) : m_config(config) {}

    // Feeds one event; returns a read when Enter/Tab closes a scanner-fast burst.
    std::optional<WedgeRead> feed(const KeyEvent& event);

private:
    void restart(std::chrono::microseconds at);

    WedgeConfig m_config;
    std::string m_buffer;
    bool m_shift = false;
    bool m_tooSlow = false; // the current burst had a human-sized pause
    std::chrono::microseconds m_first{0};
    std::chrono::microseconds m_last{0};
};

// US-layout character for a key code (with shift), or 0 for keys that type nothing.
char keyToChar(std::uint16_t code, bool shift);

} // namespace doorpost::drivers::scanner
