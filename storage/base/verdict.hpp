#pragma once
// The verdict: the one type for what the door decided, from the decision through the event log
// and the wire to the screen. None is for events that decide nothing (system, operator).

#include <optional>
#include <string_view>

namespace doorpost {

enum class Verdict { None, Admit, Deny, Refer };

std::string_view toString(Verdict verdict); // "", "admit", "deny", "refer": as stored
std::optional<Verdict> parseVerdict(std::string_view text);
std::string_view verdictName(Verdict verdict); // "ADMIT", "DENY", "REFER" ("" for None): as shown

} // namespace doorpost
