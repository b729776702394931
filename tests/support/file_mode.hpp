#pragma once
// Files with a given permission, and reading a file's permission back: what the tests of
// secret files, private databases and configuration files share.

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <sys/stat.h>

namespace doorpost::test {

// Writes `text` to `name` in `dir` with permission `mode`, and returns its path.
inline std::string writeFileWithMode(const TempDir& dir, const std::string& name,
                                     const std::string& text, mode_t mode = 0600) {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    return path;
}

// The permission bits of `path` (e.g. 0600).
inline unsigned fileMode(const std::string& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

} // namespace doorpost::test
