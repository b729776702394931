#include "sync/central/cli/issuer_keys.hpp"

#include "storage/base/hex.hpp"
#include "storage/base/private_file.hpp"
#include "sync/central/cli/sealing_key_file.hpp"
#include "sync/pass/dp1.hpp"
#include "sync/pass/sealed_identity.hpp"

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

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
    // A secret file is 0600 from its creation, never readable by others for a moment.
    const int fd =
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd < 0)
        return environmentFault("keys: cannot write " + temporary.string());
    if (secret)
        ::fchmod(fd, 0600); // an older file of that name kept its mode through O_TRUNC
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) {
            ::close(fd);
            return environmentFault("keys: cannot write " + temporary.string());
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced)
        return environmentFault("keys: cannot write " + temporary.string());
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
    // The data dir (when new) and its keys/ folder: 0700 whatever the umask.
    if (auto made = makeOwnerOnlyDirectory(dataDir); !made)
        return environmentFault("keys: " + made.error().message);
    if (auto made = makeOwnerOnlyDirectory(store.m_dir); !made)
        return environmentFault("keys: " + made.error().message);

    const fs::path sealPath = fs::path(store.m_dir) / "seal.json";
    if (fs::exists(sealPath)) {
        auto sealText = readFile(sealPath);
        if (!sealText)
            return sealText.error();
        const auto seal = nlohmann::json::parse(*sealText, nullptr, false);
        const std::string damaged = "keys: " + sealPath.string() + " is damaged";
        if (!seal.is_object())
            return badInput(damaged);
        if (seal.contains("secret_key")) {
            // An older central's layout: one pair, both halves here.
            SealKey key;
            std::array<std::uint8_t, 32> secret{};
            if (!fromHex(seal.value("public_key", ""), key.publicKey) ||
                !fromHex(seal.value("secret_key", ""), secret))
                return badInput(damaged);
            key.kid = pass::sealKeyId(key.publicKey);
            key.active = true;
            store.m_sealKeys.push_back(key);
            store.m_legacySealSecret = secret;
        } else {
            const std::string active = seal.value("active", "");
            if (!seal.contains("keys") || !seal["keys"].is_array())
                return badInput(damaged);
            for (const auto& entry : seal["keys"]) {
                SealKey key;
                if (!entry.is_object() || !fromHex(entry.value("public_key", ""), key.publicKey))
                    return badInput(damaged);
                key.kid = pass::sealKeyId(key.publicKey);
                key.createdAt = entry.value("created_at", std::int64_t{0});
                key.active = key.kid == active;
                store.m_sealKeys.push_back(key);
            }
        }
    }

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

Result<SealKey> IssuerKeyStore::newSealingKey(const std::string& outFile,
                                              const std::string& passphrase) {
    SealingKeyPair pair;
    const bool movingOut = m_legacySealSecret.has_value();
    if (movingOut) {
        pair.publicKey = m_sealKeys.back().publicKey;
        pair.secretKey = *m_legacySealSecret;
    } else {
        crypto_box_keypair(pair.publicKey.data(), pair.secretKey.data());
    }
    pair.kid = pass::sealKeyId(pair.publicKey);
    pair.createdAt = movingOut ? m_sealKeys.back().createdAt : nowSeconds();
    // The auditor's file exists before the central seals anything to its key: a crash in
    // between leaves a file for a key nobody uses, never a key nobody can open.
    auto written = writeSealingKeyFile(outFile, pair, passphrase);
    sodium_memzero(pair.secretKey.data(), pair.secretKey.size());
    if (!written)
        return written.error();
    if (movingOut) {
        sodium_memzero(m_legacySealSecret->data(), m_legacySealSecret->size());
        m_legacySealSecret.reset();
    } else {
        for (auto& key : m_sealKeys)
            key.active = false;
        m_sealKeys.push_back({pair.kid, pair.publicKey, pair.createdAt, true});
    }
    if (auto saved = writeSealKeys(); !saved)
        return saved.error();
    if (auto published = writePublicKeys(); !published)
        return published.error();
    return m_sealKeys.back();
}

Result<void> IssuerKeyStore::writeSealKeys() const {
    nlohmann::json keys = nlohmann::json::array();
    std::string active;
    for (const auto& key : m_sealKeys) {
        keys.push_back({{"kid", key.kid},
                        {"public_key", toHex(key.publicKey)},
                        {"created_at", key.createdAt}});
        if (key.active)
            active = key.kid;
    }
    return writeFile(fs::path(m_dir) / "seal.json",
                     nlohmann::json{{"active", active}, {"keys", keys}}.dump(2) + "\n", true);
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
    nlohmann::json out = {{"issuer_keys", keys},
                          {"valid_until", nowSeconds() + kPublishedValiditySeconds}};
    for (const auto& seal : m_sealKeys)
        if (seal.active) {
            out["seal_public_key"] = toHex(seal.publicKey);
            out["seal_kid"] = seal.kid;
        }
    return writeFile(m_publicKeysPath, out.dump(2) + "\n", false);
}

} // namespace doorpost::sync::central::cli
