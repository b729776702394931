#include "storage/base/verdict.hpp"

namespace doorpost {

std::string_view toString(Verdict verdict) {
    switch (verdict) {
    case Verdict::None:
        return "";
    case Verdict::Admit:
        return "admit";
    case Verdict::Deny:
        return "deny";
    case Verdict::Refer:
        return "refer";
    }
    return "";
}

std::optional<Verdict> parseVerdict(std::string_view text) {
    for (const auto verdict : {Verdict::None, Verdict::Admit, Verdict::Deny, Verdict::Refer}) {
        if (toString(verdict) == text) {
            return verdict;
        }
    }
    return std::nullopt;
}

std::string_view verdictName(Verdict verdict) {
    switch (verdict) {
    case Verdict::None:
        return "";
    case Verdict::Admit:
        return "ADMIT";
    case Verdict::Deny:
        return "DENY";
    case Verdict::Refer:
        return "REFER";
    }
    return "";
}

} // namespace doorpost
