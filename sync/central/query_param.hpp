#pragma once
// Numbers in a request's query string (?cursor=, ?limit=, ?seq=): plain decimal digits only, at
// most 18 of them (so the value fits an int64 without overflow checks). Shared by the routes.

#include <cstdint>
#include <string>

namespace doorpost::sync::central {

// False for an empty text, anything but digits, or more than 18 digits; `out` is then untouched.
bool parseDecimalParam(const std::string& text, std::int64_t& out);

} // namespace doorpost::sync::central
