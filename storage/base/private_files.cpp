#include "storage/base/private_files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace doorpost {

Result<void> makePrivateDirectories(const std::string& path) {
    namespace fs = std::filesystem;
    std::vector<fs::path> missing;
    std::error_code error;
    for (fs::path dir = fs::path(path).lexically_normal(); !dir.empty() && !fs::exists(dir, error);
         dir = dir.parent_path()) {
        missing.push_back(dir);
        if (dir == dir.parent_path()) {
            break;
        }
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        // mkdir's mode passes through the umask; chmod afterwards sets exactly 0700 (a umask of
        // 0277 would otherwise leave a folder its owner cannot write).
        if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
            return environmentFault("cannot create folder " + it->string() + ": " +
                                    std::strerror(errno));
        }
        if (::chmod(it->c_str(), 0700) != 0) {
            return environmentFault("cannot make folder " + it->string() +
                                    " private: " + std::strerror(errno));
        }
    }
    return {};
}

Result<bool> createPrivateFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return false;
        }
        return environmentFault("cannot create " + path + ": " + std::strerror(errno));
    }
    const bool privateMode = ::fchmod(fd, 0600) == 0;
    const int savedErrno = errno;
    ::close(fd);
    if (!privateMode) {
        return environmentFault("cannot make " + path + " private: " + std::strerror(savedErrno));
    }
    return true;
}

} // namespace doorpost
