#pragma once
// Secrets (a device token, PIN hashes) never come from the command line, where `ps` shows them to
// every user, nor from a configuration file others may read: they come from systemd credentials
// ($CREDENTIALS_DIRECTORY/NAME, copied there by LoadCredential= from root-only files in
// /etc/credstore) or from a file only its owner can read. A file that its group or others can
// read is refused: the secret may already have leaked, and the administrator must know.

#include "storage/base/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace doorpost {

// The file's content without trailing newlines. Bad input naming `what` and the file when it is
// not a regular file, cannot be read, is readable by group or others, or holds nothing.
Result<std::string> readSecretFile(const std::string& path, std::string_view what);

// The credential NAME from $CREDENTIALS_DIRECTORY, read as readSecretFile does; nothing when the
// variable is unset or the credential absent (each one is optional in the units).
Result<std::optional<std::string>> readCredential(std::string_view name);

} // namespace doorpost
