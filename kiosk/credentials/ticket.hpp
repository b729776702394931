#pragma once
// Exam admission tickets. A ticket's barcode (QR, PDF417 or Code128) carries the candidate
// number, either bare (6-16 digits, as printed under the barcode) or as "TKT:<number>" where
// the number may also hold capitals and '-'. Whether the candidate belongs here is the
// roster's question, answered by policy.

#include <optional>
#include <string>
#include <string_view>

namespace doorpost::kiosk::credentials {

inline constexpr std::string_view kTicketPrefix = "TKT:";

// The candidate number when the text is a ticket; nullopt otherwise.
std::optional<std::string> parseTicket(std::string_view text);

// A candidate number as the roster stores it: 4-32 of [0-9A-Z-].
bool validCandidateNumber(std::string_view number);

} // namespace doorpost::kiosk::credentials
