#pragma once
// What the central's exports (a central export, an exported access log) share: a folder written
// all or nothing, and a manifest whose signature covers
//     format || "\n" || the manifest without "signature", compact JSON, keys sorted
// (the kiosk's manifest rule, docs/audit.md), signed with the central's Ed25519 key.

#include "storage/base/result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace doorpost::storage::audit {

// Adds "signature" to `manifest` (which must hold "format") with the 64-byte Ed25519 secret.
void signManifestJson(nlohmann::json& manifest, const std::string& secretKey);
// True when manifest["signature"] verifies against `publicKeyHex`.
bool manifestJsonVerifies(const nlohmann::json& manifest, const std::string& publicKeyHex);
// The public half (64 hex) of a 64-byte Ed25519 secret key.
std::string signingPublicKeyHex(const std::string& secretKey);

// A folder "<out>.partial-XXXXXX" beside `out`, removed unless commit() renamed it to `out`.
class StagedFolder {
public:
    ~StagedFolder();
    // BadInput when `out` exists and is not an empty folder; Environment when the parent
    // cannot be written.
    Result<void> create(const std::string& out);
    const std::string& path() const { return m_path; }
    // Writes a whole file inside the folder (fsynced); returns its SHA-256 hex and size.
    Result<std::pair<std::string, std::int64_t>> writeFile(const std::string& relative,
                                                           std::string_view content);
    // fsyncs the folder tree's directories and renames it into place.
    Result<void> commit();

private:
    std::string m_path;
    std::string m_out;
};

} // namespace doorpost::storage::audit
