#pragma once
// Files that hold what must stay on this machine (databases with their keys and subject
// secret, key files) are readable by their owner only: 0600, in folders made 0700. SQLite creates
// its -wal and -shm with the database file's mode, so making the database file first, 0600, covers
// all three.

#include "storage/base/result.hpp"

#include <string>

namespace doorpost {

// Creates `path` empty with mode 0600 when it does not exist; narrows an existing file (and
// its -wal and -shm beside it) to 0600. Paths SQLite treats specially (":memory:", "file:"
// URIs, empty) are left alone. Environment fault naming the path when it cannot.
Result<void> makeOwnerOnly(const std::string& path);

// Creates the folder `path` (and missing parents, as usual) when it does not exist; the folder
// itself 0700 whatever the umask, as the packages' StateDirectoryMode= makes it. An existing
// folder is left as it is: it may be shared (a home, a mount point) and is not ours to narrow.
// Environment fault naming the path when it cannot be created, or is not a folder.
Result<void> makeOwnerOnlyDirectory(const std::string& path);

} // namespace doorpost
