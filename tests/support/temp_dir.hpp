#pragma once
// A fresh directory under the system temp dir for one test, removed afterwards. The one
// temporary folder of every test executable.

#include <filesystem>
#include <string>
#include <unistd.h>

namespace doorpost::test {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "doorpost-test-XXXXXX");
        m_path = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (m_path / name).string(); }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace doorpost::test
