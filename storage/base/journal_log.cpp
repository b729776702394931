#include "storage/base/journal_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace doorpost {

bool stderrIsJournal() {
    static const bool journal = [] {
        const char* stream = std::getenv("JOURNAL_STREAM");
        if (stream == nullptr) {
            return false;
        }
        unsigned long long device = 0;
        unsigned long long inode = 0;
        if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) {
            return false;
        }
        // The variable is inherited by children whose stderr may go elsewhere: compare.
        struct stat status {};
        return ::fstat(STDERR_FILENO, &status) == 0 &&
               static_cast<unsigned long long>(status.st_dev) == device &&
               static_cast<unsigned long long>(status.st_ino) == inode;
    }();
    return journal;
}

void logLine(LogPriority priority, std::string_view program, std::string_view message) {
    std::string line;
    line.reserve(message.size() + program.size() + 8);
    if (stderrIsJournal()) {
        line += '<';
        line += static_cast<char>('0' + static_cast<int>(priority));
        line += '>';
    }
    line += program;
    line += ": ";
    for (const char c : message) {
        line += (c == '\n' || c == '\r') ? ' ' : c;
    }
    line += '\n';
    // One write: stderr is unbuffered, and a single write(2) of a short line is not split.
    (void)!::write(STDERR_FILENO, line.data(), line.size());
}

} // namespace doorpost
