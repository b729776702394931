#include "storage/base/secret_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace doorpost {
namespace {

// Closes the descriptor on every way out of readSecretFile.
struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

std::string modeText(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

} // namespace

Result<std::string> readSecretFile(const std::string& path, std::string_view what) {
    const std::string prefix = std::string(what) + ": " + path;
    FileDescriptor file;
    file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (file.fd < 0) {
        return badInput(prefix + ": cannot read (" + std::strerror(errno) + ")");
    }
    // The mode of the file actually opened, not of whatever the name points to a moment later.
    struct stat status {};
    if (::fstat(file.fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        return badInput(prefix + ": not a regular file");
    }
    if ((status.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        return badInput(prefix + ": readable by group or others (mode " + modeText(status.st_mode) +
                        "); make it 0600 or 0400");
    }
    std::string content;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return badInput(prefix + ": cannot read (" + std::strerror(errno) + ")");
        }
        if (got == 0) {
            break;
        }
        content.append(buffer, static_cast<std::size_t>(got));
        if (content.size() > 64 * 1024) {
            return badInput(prefix + ": larger than 64 KiB, not a secret of ours");
        }
    }
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
        content.pop_back();
    }
    if (content.empty()) {
        return badInput(prefix + ": empty");
    }
    return content;
}

Result<std::optional<std::string>> readCredential(std::string_view name) {
    const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
    if (directory == nullptr || *directory == '\0') {
        return std::optional<std::string>{};
    }
    const std::string path = std::string(directory) + "/" + std::string(name);
    if (::access(path.c_str(), F_OK) != 0) {
        return std::optional<std::string>{};
    }
    auto secret = readSecretFile(path, "credential " + std::string(name));
    if (!secret) {
        return secret.error();
    }
    return std::optional<std::string>{std::move(*secret)};
}

} // namespace doorpost
