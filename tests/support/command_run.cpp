#include "tests/support/command_run.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace doorpost::test {

namespace {

std::string readAll(FILE* file) {
    std::string text;
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, file)) {
        text.append(buffer, n);
    }
    return text;
}

} // namespace

CommandRun runCommand(const std::string& shellCommand) {
    // A file of our own for stderr: reading two pipes would need polling, and tests running in
    // parallel (ctest -j) must not share one.
    std::string errPath =
        (std::filesystem::temp_directory_path() / "doorpost-stderr-XXXXXX").string();
    const int errFd = ::mkstemp(errPath.data());
    REQUIRE(errFd >= 0);
    ::close(errFd);

    CommandRun run;
    FILE* pipe = ::popen((shellCommand + " 2>" + errPath).c_str(), "r");
    REQUIRE(pipe != nullptr);
    run.out = readAll(pipe);
    const int status = ::pclose(pipe);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (FILE* file = std::fopen(errPath.c_str(), "r")) {
        run.err = readAll(file);
        std::fclose(file);
    }
    ::unlink(errPath.c_str());
    return run;
}

CommandRun runBinary(const std::string& binary, const std::string& arguments) {
    return runCommand(std::string(DOORPOST_BIN_DIR) + "/" + binary + " " + arguments);
}

std::map<std::string, std::string> nameValueLines(const std::string& text) {
    std::map<std::string, std::string> values;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const auto equals = line.find('=');
        if (equals != std::string::npos) {
            values[line.substr(0, equals)] = line.substr(equals + 1);
        }
    }
    return values;
}

} // namespace doorpost::test
