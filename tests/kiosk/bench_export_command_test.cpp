// `doorpost bench export`, run as the real binary on a small log: that the generator still
// matches the storage schema (a migration once broke it) and the output contract holds. The
// speed is the benchmark's business, not this test's.

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <map>
#include <sstream>

#include "tests/storage/temp_dir.hpp"

using doorpost::storage::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string runCapture(const std::string& args, const TempDir& dir, int& exitCode, std::string& err) {
    const std::string errFile = dir.file("stderr.txt");
    const std::string command = std::string(DOORPOST_BIN_DIR) + "/doorpost " + args + " 2>" + errFile;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
        out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ostringstream text;
    if (FILE* file = std::fopen(errFile.c_str(), "r")) {
        while (const auto n = std::fread(buffer, 1, sizeof buffer, file)) {
            text.write(buffer, static_cast<std::streamsize>(n));
        }
        std::fclose(file);
    }
    err = text.str();
    return out;
}

std::map<std::string, std::string> figures(const std::string& out) {
    std::map<std::string, std::string> values;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto equals = line.find('=');
        if (equals != std::string::npos) {
            values[line.substr(0, equals)] = line.substr(equals + 1);
        }
    }
    return values;
}

} // namespace

TEST_CASE("bench export generates, exports and verifies a small log, then cleans up") {
    TempDir dir;
    // --dir names a folder that does not exist yet: the bench makes it.
    const auto work = dir.file("bench/nested");
    int exitCode = -1;
    std::string err;
    const auto out = runCapture("bench export --events 2000 --dir " + work, dir, exitCode, err);
    INFO(out << err);
    REQUIRE(exitCode == 0);
    const auto values = figures(out);
    CHECK(values.at("events") == "2000");
    CHECK(values.at("verify_ok") == "1");
    for (const char* name : {"export_s", "export_cpu_s", "verify_s", "verify_cpu_s", "baseline_s",
                             "ratio", "verify_ratio"}) {
        REQUIRE(values.count(name) == 1);
        CHECK(std::stod(values.at(name)) >= 0.0);
    }
    CHECK(std::stoll(values.at("jsonl_bytes")) > 2000 * 300);
    CHECK(std::stoll(values.at("csv_bytes")) > 2000 * 100);
    // The work folder inside --dir is removed; --dir itself stays.
    REQUIRE(fs::is_directory(work));
    CHECK(fs::is_empty(work));
}

TEST_CASE("bench export refuses a bad --events and an impossible --dir in one line") {
    TempDir dir;
    int exitCode = -1;
    std::string err;
    runCapture("bench export --events 0", dir, exitCode, err);
    CHECK(exitCode == 2);
    CHECK(err.find("--events") != std::string::npos);
    {
        std::FILE* file = std::fopen(dir.file("a-file").c_str(), "w");
        REQUIRE(file != nullptr);
        std::fclose(file);
    }
    runCapture("bench export --events 10 --dir " + dir.file("a-file") + "/sub", dir, exitCode, err);
    CHECK(exitCode == 3);
    CHECK(err.find("--dir") != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
}
