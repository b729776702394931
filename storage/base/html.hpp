#pragma once

#include <string>
#include <string_view>

namespace doorpost {

// Text made safe inside HTML element content and quoted attribute values (& < > " '), for the
// pages both ends write: the audit export's report.html and the central's status page.
std::string htmlEscape(std::string_view text);

} // namespace doorpost
