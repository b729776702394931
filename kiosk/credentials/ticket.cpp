#include "kiosk/credentials/ticket.hpp"

#include <algorithm>
#include <cctype>

namespace doorpost::kiosk::credentials {

bool validCandidateNumber(std::string_view number) {
    if (number.size() < 4 || number.size() > 32)
        return false;
    return std::all_of(number.begin(), number.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z') || c == '-';
    });
}

std::optional<std::string> parseTicket(std::string_view text) {
    // Scanners in keyboard-wedge mode append CR/LF; they are not part of the number.
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    if (text.substr(0, kTicketPrefix.size()) == kTicketPrefix) {
        const std::string_view number = text.substr(kTicketPrefix.size());
        if (validCandidateNumber(number))
            return std::string(number);
        return std::nullopt;
    }
    if (text.size() >= 6 && text.size() <= 16 && std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        }))
        return std::string(text);
    return std::nullopt;
}

} // namespace doorpost::kiosk::credentials
