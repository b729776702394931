#pragma once
// StaffNotice: what a staff action (sync now, export for auditors, camera, profile) answers. A
// text id and its values, not a sentence: the staff screen formats it in the language shown when
// it draws the toast, so a Chinese-speaking staff member reads Chinese (and a language switch
// while the toast is up re-words it). Values that come from lower layers (a path, a count, an OS
// error, the export child's one-line error) stay as they are inside the translated sentence.

#include "kiosk/ui/strings.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace doorpost::kiosk::ui {

struct StaffNotice {
    Str text = Str::NotAvailable;
    std::vector<std::string> args; // fill {0}, {1}, ... of both texts of `text`
    bool failed = false;           // drawn red; scripts see staff_result error
};

inline StaffNotice staffOk(Str text, std::vector<std::string> args = {}) {
    return {text, std::move(args), false};
}
inline StaffNotice staffFailed(Str text, std::vector<std::string> args = {}) {
    return {text, std::move(args), true};
}

using StaffDone = std::function<void(StaffNotice)>;

// `pattern` with each {N} replaced by args[N]; a {N} without its argument stays as written.
std::string fillArgs(std::string_view pattern, const std::vector<std::string>& args);

// The notice as one line in `lang`.
std::string formatNotice(Lang lang, const StaffNotice& notice);

} // namespace doorpost::kiosk::ui
