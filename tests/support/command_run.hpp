#pragma once

// Running a command line from a test as a script would: stdout, stderr and the exit code.
// Shared by the tests that drive the real `doorpost` / `doorpost-central` binaries.

#include <map>
#include <string>

namespace doorpost::test {

struct CommandRun {
    int exitCode = -1; // -1 when the command did not exit normally (killed by a signal)
    std::string out;
    std::string err;
};

// Runs `shellCommand` through /bin/sh with stderr redirected to a private temp file (appended as
// ` 2>FILE`, so it applies to the last command of the line, as the tests always wrote it).
CommandRun runCommand(const std::string& shellCommand);

// runCommand on a binary of this build (`doorpost`, `doorpost-central`) with its arguments.
CommandRun runBinary(const std::string& binary, const std::string& arguments);

// The `name=value` lines of a bench's output; other lines are skipped.
std::map<std::string, std::string> nameValueLines(const std::string& text);

} // namespace doorpost::test
