#pragma once
// Files only their owner may read: the kiosk's database holds the device's signing seed and every
// event, so it is created 0600, and a data folder made for such files 0700, whatever the umask of
// whoever runs the command first (a shell's 022 would leave both readable by every local user).
// SQLite gives a database's -wal and -shm the database's own mode.

#include "storage/base/result.hpp"

#include <string>

namespace doorpost {

// Creates every missing folder of `path` with mode 0700 (existing ones are left as they are).
Result<void> makePrivateDirectories(const std::string& path);

// Creates `path` empty with mode 0600 unless it exists; true when it did. Its folder must exist
// (a mistyped --db is a fault, not a new tree of folders). An environment fault naming the path
// when it cannot.
Result<bool> createPrivateFile(const std::string& path);

} // namespace doorpost
