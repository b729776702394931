#include "drivers/scanner/wedge_parser.hpp"

#include <array>
#include <linux/input-event-codes.h>

namespace doorpost::drivers::scanner {
namespace {

struct KeyChars {
    std::uint16_t code;
    char plain;
    char shifted;
};

constexpr std::array<KeyChars, 47> kKeys{{
    {KEY_1, '1', '!'},          {KEY_2, '2', '@'},           {KEY_3, '3', '#'},
    {KEY_4, '4', '$'},          {KEY_5, '5', '%'},           {KEY_6, '6', '^'},
    {KEY_7, '7', '&'},          {KEY_8, '8', '*'},           {KEY_9, '9', '('},
    {KEY_0, '0', ')'},          {KEY_MINUS, '-', '_'},       {KEY_EQUAL, '=', '+'},
    {KEY_Q, 'q', 'Q'},          {KEY_W, 'w', 'W'},           {KEY_E, 'e', 'E'},
    {KEY_R, 'r', 'R'},          {KEY_T, 't', 'T'},           {KEY_Y, 'y', 'Y'},
    {KEY_U, 'u', 'U'},          {KEY_I, 'i', 'I'},           {KEY_O, 'o', 'O'},
    {KEY_P, 'p', 'P'},          {KEY_LEFTBRACE, '[', '{'},   {KEY_RIGHTBRACE, ']', '}'},
    {KEY_A, 'a', 'A'},          {KEY_S, 's', 'S'},           {KEY_D, 'd', 'D'},
    {KEY_F, 'f', 'F'},          {KEY_G, 'g', 'G'},           {KEY_H, 'h', 'H'},
    {KEY_J, 'j', 'J'},          {KEY_K, 'k', 'K'},           {KEY_L, 'l', 'L'},
    {KEY_SEMICOLON, ';', ':'},  {KEY_APOSTROPHE, '\'', '"'}, {KEY_GRAVE, '`', '~'},
    {KEY_BACKSLASH, '\\', '|'}, {KEY_Z, 'z', 'Z'},           {KEY_X, 'x', 'X'},
    {KEY_C, 'c', 'C'},          {KEY_V, 'v', 'V'},           {KEY_B, 'b', 'B'},
    {KEY_N, 'n', 'N'},          {KEY_M, 'm', 'M'},           {KEY_COMMA, ',', '<'},
    {KEY_DOT, '.', '>'},        {KEY_SLASH, '/', '?'},
}};

} // namespace

char keyToChar(std::uint16_t code, bool shift) {
    if (code == KEY_SPACE) {
        return ' ';
    }
    for (const auto& key : kKeys) {
        if (key.code == code) {
            return shift ? key.shifted : key.plain;
        }
    }
    return 0;
}

void WedgeParser::restart(std::chrono::microseconds at) {
    m_buffer.clear();
    m_tooSlow = false;
    m_first = at;
    m_last = at;
}

std::optional<WedgeRead> WedgeParser::feed(const KeyEvent& event) {
    if (event.code == KEY_LEFTSHIFT || event.code == KEY_RIGHTSHIFT) {
        m_shift = event.value != 0;
        return std::nullopt;
    }
    if (event.value != 1) {
        return std::nullopt; // releases and auto-repeat (a held key is a person) carry nothing
    }
    const bool gapTooLong = !m_buffer.empty() && event.time - m_last > m_config.maxGap;
    if (event.code == KEY_ENTER || event.code == KEY_KPENTER || event.code == KEY_TAB) {
        std::optional<WedgeRead> read;
        if (!gapTooLong && !m_tooSlow && m_buffer.size() >= m_config.minLength) {
            read = WedgeRead{m_buffer, event.code == KEY_TAB ? '\t' : '\n', event.time - m_first};
        }
        restart(event.time);
        return read;
    }
    const char c = keyToChar(event.code, m_shift);
    if (c == 0) {
        // A key no scanner types (arrows, backspace, ...): a person is at the keyboard.
        restart(event.time);
        m_tooSlow = true;
        return std::nullopt;
    }
    if (m_buffer.empty() || gapTooLong) {
        // A pause: whatever came before was typed by hand; a scan may start here.
        restart(event.time);
    }
    if (m_buffer.size() < m_config.maxLength) {
        m_buffer.push_back(c);
    }
    m_last = event.time;
    return std::nullopt;
}

} // namespace doorpost::drivers::scanner
