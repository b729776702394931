#include "storage/base/private_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace doorpost {
namespace {

Result<void> narrow(const std::string& path, bool mustExist) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (!mustExist && errno == ENOENT)
            return {};
        return environmentFault("cannot stat " + path + ": " + std::strerror(errno));
    }
    if ((info.st_mode & 0077) != 0 && ::chmod(path.c_str(), info.st_mode & 0700) != 0)
        return environmentFault("cannot make " + path + " 0600: " + std::strerror(errno));
    return {};
}

} // namespace

Result<void> makeOwnerOnly(const std::string& path) {
    if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0)
        return {};
    // Only a file that does not exist yet is opened here (O_EXCL). Closing any descriptor of a
    // file drops every POSIX lock this process holds on it, and SQLite's locks are POSIX locks:
    // opening and closing an existing database beside the process's live connections (the
    // mesh opens some while the gate holds others) would let another process write under
    // their reads. An existing file is narrowed by path only (chmod takes no descriptor).
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        // A read-only file or folder is the open's to report (SQLite says it better).
        if (errno != EEXIST && errno != EACCES && errno != EROFS && errno != EISDIR &&
            errno != ENOENT)
            return environmentFault("cannot create " + path + ": " + std::strerror(errno));
    } else {
        ::close(fd);
    }
    if (auto done = narrow(path, true); !done)
        return done;
    if (auto done = narrow(path + "-wal", false); !done)
        return done;
    return narrow(path + "-shm", false);
}

Result<void> makeOwnerOnlyDirectory(const std::string& path) {
    std::error_code error;
    const std::filesystem::path folder(path);
    if (std::filesystem::is_directory(folder, error)) {
        return {};
    }
    if (folder.has_parent_path() && !folder.parent_path().empty()) {
        std::filesystem::create_directories(folder.parent_path(), error);
        if (error) {
            return environmentFault("cannot create " + folder.parent_path().string() + ": " +
                                    error.message());
        }
    }
    // mkdir's mode passes through the umask, which only takes bits away: 0700 stays 0700 (or
    // less, under a umask that takes the owner's own bits, which chmod puts back).
    if (::mkdir(path.c_str(), 0700) != 0) {
        if (errno == EEXIST && std::filesystem::is_directory(folder, error)) {
            return {}; // made by another process a moment ago
        }
        return environmentFault("cannot create " + path + ": " + std::strerror(errno));
    }
    if (::chmod(path.c_str(), 0700) != 0) {
        return environmentFault("cannot make " + path + " 0700: " + std::strerror(errno));
    }
    return {};
}

} // namespace doorpost
