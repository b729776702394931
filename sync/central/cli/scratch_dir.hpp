#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace doorpost::sync::central::cli {

// A fresh folder under the temporary directory for a benchmark's stores and kiosks, removed with
// everything in it when this goes out of scope (also on an early error return).
class ScratchDir {
public:
    explicit ScratchDir(const std::string& prefix) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) != nullptr) {
            m_path = pattern;
        }
    }
    ~ScratchDir() {
        if (!m_path.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(m_path, ignored);
        }
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    bool created() const { return !m_path.empty(); }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace doorpost::sync::central::cli
