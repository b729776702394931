#pragma once
// The words of a staff action's answer (app::StaffNotice) in the language on screen.

#include "kiosk/app/staff_notice.hpp"
#include "kiosk/ui/strings.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace doorpost::kiosk::ui {

// The strings-table text for each outcome.
Str staffNoticeText(app::StaffOutcome what);

// `pattern` with each {N} replaced by args[N]; a {N} without its argument stays as written.
std::string fillArgs(std::string_view pattern, const std::vector<std::string>& args);

// The notice as one line in `lang`.
std::string formatNotice(Lang lang, const app::StaffNotice& notice);

} // namespace doorpost::kiosk::ui
