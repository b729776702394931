#include "sync/central/cli/issuer_keys.hpp"

#include "storage/base/hex.hpp"
#include "sync/pass/dp1.hpp"
#include "sync/pass/subject_key.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>
#include <sys/stat.h>

namespace doorpost::sync::central::cli {
namespace fs = std::filesystem;
namespace {

// How long kiosks may rely on a published key list before they must fetch a new one.
constexpr std::int64_t kPublishedValiditySeconds = 30 * 24 * 3600;

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<void> writeFile(const fs::path& path, const std::string& content, bool secret) {
    const fs::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            return environmentFault("keys: cannot write " + temporary.string());
        out << content;
        out.flush();
        if (!out)
            return environmentFault("keys: cannot write " + temporary.string());
    }
    if (secret)
        ::chmod(temporary.c_str(), 0600);
    std::error_code error;
    fs::rename(temporary, path, error);
    if (error)
        return environmentFault("keys: cannot rename to " + path.string());
    return {};
}

Result<std::string> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return environmentFault("keys: cannot read " + path.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace

Result<IssuerKeyStore> IssuerKeyStore::open(const std::string& dataDir) {
    if (sodium_init() < 0)
        return environmentFault("keys: libsodium failed to initialise");
    IssuerKeyStore store;
    store.m_dir = (fs::path(dataDir) / "keys").string();
    store.m_publicKeysPath = (fs::path(store.m_dir) / "public-keys.json").string();
    std::error_code error;
    fs::create_directories(store.m_dir, error);
    if (error)
        return environmentFault("keys: cannot create " + store.m_dir);

    const fs::path sealPath = fs::path(store.m_dir) / "seal.json";
    if (!fs::exists(sealPath)) {
        std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> secret{};
        crypto_box_keypair(store.m_sealPublic.data(), secret.data());
        nlohmann::json seal = {{"public_key", toHex(store.m_sealPublic)},
                               {"secret_key", toHex(secret)}};
        if (auto written = writeFile(sealPath, seal.dump(), true); !written)
            return written.error();
    }
    auto sealText = readFile(sealPath);
    if (!sealText)
        return sealText.error();
    const auto seal = nlohmann::json::parse(*sealText, nullptr, false);
    if (!seal.is_object() || !fromHex(seal.value("public_key", ""), store.m_sealPublic))
        return badInput("keys: " + sealPath.string() + " is damaged");

    const fs::path saltPath = fs::path(store.m_dir) / "subject_salt";
    if (!fs::exists(saltPath)) {
        std::array<std::uint8_t, 16> salt{};
        randombytes_buf(salt.data(), salt.size());
        if (auto written = writeFile(saltPath, toHex(salt), true); !written)
            return written.error();
    }
    auto salt = readFile(saltPath);
    if (!salt)
        return salt.error();
    store.m_salt = *salt;

    std::string activeKid;
    if (auto active = readFile(fs::path(store.m_dir) / "active"))
        activeKid = *active;
    for (const auto& entry : fs::directory_iterator(store.m_dir)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("issuer-", 0) != 0 || entry.path().extension() != ".json")
            continue;
        auto text = readFile(entry.path());
        if (!text)
            return text.error();
        const auto json = nlohmann::json::parse(*text, nullptr, false);
        IssuerKey key;
        if (!json.is_object() || !fromHex(json.value("public_key", ""), key.publicKey) ||
            !fromHex(json.value("secret_key", ""), key.secretKey))
            return badInput("keys: " + entry.path().string() + " is damaged");
        key.kid = json.value("kid", "");
        key.createdAt = json.value("created_at", std::int64_t{0});
        key.active = key.kid == activeKid;
        store.m_keys.push_back(key);
    }
    std::sort(store.m_keys.begin(), store.m_keys.end(),
              [](const IssuerKey& a, const IssuerKey& b) { return a.createdAt < b.createdAt; });
    return store;
}

Result<IssuerKey> IssuerKeyStore::rotate() {
    IssuerKey key;
    crypto_sign_keypair(key.publicKey.data(), key.secretKey.data());
    key.kid = toHex(pass::ed25519KeyId(key.publicKey));
    key.createdAt = nowSeconds();
    key.active = true;
    const nlohmann::json json = {{"kid", key.kid},
                                 {"public_key", toHex(key.publicKey)},
                                 {"secret_key", toHex(key.secretKey)},
                                 {"created_at", key.createdAt}};
    const fs::path path = fs::path(m_dir) / ("issuer-" + key.kid + ".json");
    if (auto written = writeFile(path, json.dump(), true); !written)
        return written.error();
    // The key file exists before `active` names it: a crash in between leaves the old key
    // active and the new one merely published.
    if (auto written = writeFile(fs::path(m_dir) / "active", key.kid, false); !written)
        return written.error();
    for (auto& existing : m_keys)
        existing.active = false;
    m_keys.push_back(key);
    if (auto published = writePublicKeys(); !published)
        return published.error();
    return key;
}

Result<IssuerKey> IssuerKeyStore::active() const {
    for (const auto& key : m_keys)
        if (key.active)
            return key;
    return badInput("keys: no active issuer key; run `doorpost-central keys` first");
}

Result<void> IssuerKeyStore::writePublicKeys() const {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : m_keys)
        keys.push_back({{"kid", key.kid},
                        {"public_key", toHex(key.publicKey)},
                        {"created_at", key.createdAt},
                        {"active", key.active}});
    const nlohmann::json out = {{"issuer_keys", keys},
                                {"seal_public_key", toHex(m_sealPublic)},
                                {"subject_salt", m_salt},
                                {"valid_until", nowSeconds() + kPublishedValiditySeconds}};
    return writeFile(m_publicKeysPath, out.dump(2) + "\n", false);
}

} // namespace doorpost::sync::central::cli
