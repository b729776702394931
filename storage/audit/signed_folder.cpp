#include "storage/audit/signed_folder.hpp"

#include "storage/audit/format.hpp"
#include "storage/base/hex.hpp"
#include "storage/device_key.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdlib.h>
#include <unistd.h>

namespace doorpost::storage::audit {
namespace fs = std::filesystem;
namespace {

std::string signedBytes(const nlohmann::json& manifest) {
    nlohmann::json unsignedPart = manifest;
    unsignedPart.erase("signature");
    return unsignedPart.value("format", "") + "\n" +
           unsignedPart.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<void> syncPath(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const int error = errno;
        if (fd >= 0)
            ::close(fd);
        return environmentFault("cannot sync " + path + ": " + std::strerror(error));
    }
    ::close(fd);
    return {};
}

} // namespace

std::string signingPublicKeyHex(const std::string& secretKey) {
    if (secretKey.size() != 64)
        return {};
    return toHex(reinterpret_cast<const std::uint8_t*>(secretKey.data()) + 32, 32);
}

void signManifestJson(nlohmann::json& manifest, const std::string& secretKey) {
    DeviceKey key;
    std::copy(secretKey.begin(), secretKey.end(), key.secretKey.begin());
    key.publicKeyHex = signingPublicKeyHex(secretKey);
    manifest["signature"] = signDetached(key, signedBytes(manifest));
}

bool manifestJsonVerifies(const nlohmann::json& manifest, const std::string& publicKeyHex) {
    if (!manifest.is_object() || !manifest.contains("signature") ||
        !manifest["signature"].is_string())
        return false;
    return verifyDetached(publicKeyHex, signedBytes(manifest),
                          manifest["signature"].get<std::string>());
}

StagedFolder::~StagedFolder() {
    if (!m_path.empty()) {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
}

Result<void> StagedFolder::create(const std::string& outDir) {
    const fs::path out = fs::path(outDir).lexically_normal();
    if (out.empty() || out.filename().empty())
        return badInput("--out: '" + outDir + "' is not a folder name");
    std::error_code error;
    const auto status = fs::status(out, error);
    if (status.type() != fs::file_type::not_found &&
        (status.type() != fs::file_type::directory || !fs::is_empty(out, error)))
        return badInput("--out: " + out.string() + " exists and is not an empty folder");
    const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::string pattern = (parent / (out.filename().string() + ".partial-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        return environmentFault("cannot write " + parent.string() + ": " + std::strerror(errno));
    m_path = pattern;
    m_out = out.string();
    return {};
}

Result<std::pair<std::string, std::int64_t>> StagedFolder::writeFile(const std::string& relative,
                                                                     std::string_view content) {
    const fs::path path = fs::path(m_path) / relative;
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    const std::string shown = (fs::path(m_out) / relative).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return environmentFault("cannot write " + shown + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int why = n < 0 ? errno : EIO;
            ::close(fd);
            return environmentFault("cannot write " + shown + ": " + std::strerror(why));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int why = errno;
        ::close(fd);
        return environmentFault("cannot write " + shown + ": " + std::strerror(why));
    }
    ::close(fd);
    Sha256Stream sha;
    sha.update(content);
    return std::pair{sha.finishHex(), static_cast<std::int64_t>(content.size())};
}

Result<void> StagedFolder::commit() {
    std::error_code error;
    for (const auto& entry : fs::recursive_directory_iterator(m_path, error))
        if (entry.is_directory())
            if (auto synced = syncPath(entry.path().string(), O_RDONLY | O_DIRECTORY); !synced)
                return synced;
    if (auto synced = syncPath(m_path, O_RDONLY | O_DIRECTORY); !synced)
        return synced;
    // rename() replaces an empty folder atomically; a folder filled there since is refused.
    if (::rename(m_path.c_str(), m_out.c_str()) != 0)
        return environmentFault("cannot write " + m_out + ": " + std::strerror(errno));
    m_path.clear();
    const fs::path parent =
        fs::path(m_out).parent_path().empty() ? fs::path(".") : fs::path(m_out).parent_path();
    return syncPath(parent.string(), O_RDONLY | O_DIRECTORY);
}

} // namespace doorpost::storage::audit
