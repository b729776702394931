#pragma once

// A strict JSON (RFC 8259) syntax check for event details. The gate validates one detail per
// event appended; nlohmann::json::accept cost ~9,400 instructions for a 95-byte detail, about a
// tenth of the whole append. This checker builds no document, allocates nothing and keeps its
// nesting stack in a fixed array, so hostile input cannot overflow the call stack.

#include <cstddef>
#include <string_view>

namespace doorpost::storage {

// Deepest nesting of objects and arrays accepted; the outer object is level 1. Deeper input is
// refused rather than parsed (real details are one or two levels deep).
inline constexpr std::size_t kJsonMaxDepth = 512;

// True exactly when `text` is one complete JSON text whose value is an object, with optional
// JSON whitespace (space, tab, LF, CR) around it. Strings must be valid UTF-8 (no overlong
// forms, no encoded surrogates, nothing above U+10FFFF) with control characters escaped, and a
// \u escape of a high surrogate must be followed by a \u escape of a low one: the same rules as
// nlohmann::json::accept, which tests/storage/json_syntax_test.cpp checks differentially. Like
// accept(), a number that overflows a double (1e400) is refused; one that underflows is not.
// Unlike accept(), a NUL byte anywhere (which accept() takes as end of input) and a leading
// byte-order mark are refused.
bool isJsonObjectText(std::string_view text);

} // namespace doorpost::storage
