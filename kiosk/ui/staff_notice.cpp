#include "kiosk/ui/staff_notice.hpp"

namespace doorpost::kiosk::ui {

std::string fillArgs(std::string_view pattern, const std::vector<std::string>& args) {
    std::string out;
    out.reserve(pattern.size() + 64);
    std::size_t i = 0;
    while (i < pattern.size()) {
        // Only "{digits}" is a placeholder; any other brace is text.
        if (pattern[i] == '{') {
            std::size_t j = i + 1;
            std::size_t index = 0;
            while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9' && j - i <= 3) {
                index = index * 10 + static_cast<std::size_t>(pattern[j] - '0');
                ++j;
            }
            if (j > i + 1 && j < pattern.size() && pattern[j] == '}' && index < args.size()) {
                out += args[index];
                i = j + 1;
                continue;
            }
        }
        out += pattern[i++];
    }
    return out;
}

std::string formatNotice(Lang lang, const StaffNotice& notice) {
    return fillArgs(tr(lang, notice.text), notice.args);
}

} // namespace doorpost::kiosk::ui
