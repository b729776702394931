#include "kiosk/app/audit_export_child.hpp"

#include "storage/base/iso_time.hpp"
#include "storage/base/local_time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace doorpost::kiosk::app {
namespace fs = std::filesystem;

ExportPeriod todaySoFar(std::int64_t nowUnix) {
    return {startOfLocalDay(nowUnix), nowUnix + 1};
}

namespace {

bool writableFolder(const fs::path& path) {
    std::error_code ec;
    return fs::is_directory(path, ec) && ::access(path.c_str(), W_OK | X_OK) == 0;
}

// A mount point: on another device than its parent (what automounters put under /media/USER/).
bool mountPoint(const fs::path& path) {
    struct stat self {};
    struct stat parent {};
    return ::stat(path.c_str(), &self) == 0 && ::stat(path.parent_path().c_str(), &parent) == 0 &&
           self.st_dev != parent.st_dev;
}

std::vector<fs::path> sortedChildren(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Keeps letters, digits, '-' and '_' of a device id for a folder name.
std::string safeName(const std::string& text) {
    std::string out;
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        out += ok ? c : '_';
    }
    return out.empty() ? "device" : out.substr(0, 64);
}

std::string lastLine(const std::string& text) {
    std::string line;
    std::size_t end = text.size();
    while (end > 0) {
        const std::size_t start = text.rfind('\n', end - 1);
        const std::size_t from = start == std::string::npos ? 0 : start + 1;
        line = text.substr(from, end - from);
        if (line.find_first_not_of(" \t\r") != std::string::npos) {
            return line;
        }
        if (start == std::string::npos) {
            break;
        }
        end = start;
    }
    return {};
}

} // namespace

Result<std::string> findExportDestination(const std::string& configured,
                                          const std::vector<std::string>& mediaRoots) {
    if (!configured.empty()) {
        if (!writableFolder(configured)) {
            return environmentFault("export dir: " + configured + " is not a writable folder");
        }
        return configured;
    }
    for (const std::string& root : mediaRoots) {
        for (const fs::path& user : sortedChildren(root)) {
            for (const fs::path& mount : sortedChildren(user)) {
                if (mountPoint(mount) && writableFolder(mount)) {
                    return mount.string();
                }
            }
        }
    }
    return environmentFault(
        "no removable media found (insert a USB stick, or run with --export-dir)");
}

Result<std::string> createExportFolder(const std::string& parent, const std::string& device,
                                       std::int64_t nowUnix) {
    const std::string base = "doorpost-audit-" + safeName(device) + "-" + formatCompactUtc(nowUnix);
    for (int n = 1; n <= 99; ++n) {
        const fs::path path = fs::path(parent) / (n == 1 ? base : base + "-" + std::to_string(n));
        if (::mkdir(path.c_str(), 0755) == 0) {
            return path.string();
        }
        if (errno != EEXIST) {
            return environmentFault("export dir: cannot create " + path.string() + ": " +
                                    std::strerror(errno));
        }
    }
    return environmentFault("export dir: 99 exports named " + base + " already exist");
}

Result<ChildExport> runExportChild(const std::string& exe, const std::string& dbPath,
                                   const ExportPeriod& period, const std::string& outDir,
                                   std::atomic<int>* childPid) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        return environmentFault(std::string("export: pipe: ") + std::strerror(errno));
    }
    // The child's stdout and stderr both go to the pipe: one JSON line on success, a one-line
    // error otherwise. dup2 clears close-on-exec on 1 and 2 only.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    const std::string from = formatIsoTime(period.fromUnix);
    const std::string to = formatIsoTime(period.toUnix);
    std::vector<std::string> args = {exe,    "--db", dbPath,  "export", "--from", from,
                                     "--to", to,     "--out", outDir,   "--json"};
    std::vector<char*> argv;
    for (std::string& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (spawned != 0) {
        ::close(out[0]);
        return environmentFault("export: cannot start " + exe + ": " + std::strerror(spawned));
    }
    if (childPid != nullptr) {
        childPid->store(pid);
    }
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<std::size_t>(n));
            if (text.size() > (1u << 20)) {
                text.erase(0, text.size() - 4096); // only the end matters
            }
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (childPid != nullptr) {
        childPid->store(0);
    }
    if (WIFSIGNALED(status)) {
        return environmentFault(
            "export: stopped by signal " + std::to_string(WTERMSIG(status)) +
            (WTERMSIG(status) == SIGBUS ? " (disk error reading the database)" : ""));
    }
    const std::string line = lastLine(text);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string message = line.empty() ? "export failed" : line;
        if (message.rfind("doorpost: ", 0) == 0) {
            message.erase(0, 10);
        }
        return Error{WEXITSTATUS(status) == 2 ? ErrorKind::BadInput : ErrorKind::Environment,
                     "export: " + message};
    }
    const auto summary = nlohmann::json::parse(line, nullptr, false);
    if (summary.is_discarded() || !summary.is_object()) {
        return environmentFault("export: unreadable answer from the export: " +
                                line.substr(0, 120));
    }
    ChildExport result;
    result.outDir = summary.value("out", outDir);
    result.count = summary.value("count", std::int64_t{0});
    result.firstBrokenSeq = summary.value("first_broken_seq", std::int64_t{0});
    return result;
}

} // namespace doorpost::kiosk::app
