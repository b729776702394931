#include "sync/central/cli/sealing_key_file.hpp"

#include "storage/base/hex.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>
#include <unistd.h>

namespace doorpost::sync::central::cli {
namespace {

// argon2id for the passphrase: about half a second here, once per export or key creation.
constexpr unsigned long long kFileOpsLimit = 3;
constexpr std::size_t kFileMemLimit = std::size_t{64} << 20;

Result<std::array<std::uint8_t, crypto_secretbox_KEYBYTES>>
boxKey(const std::string& passphrase, const std::array<std::uint8_t, crypto_pwhash_SALTBYTES>& salt,
       unsigned long long ops, std::size_t mem) {
    std::array<std::uint8_t, crypto_secretbox_KEYBYTES> key{};
    if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                      ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return environmentFault("sealing key: argon2id could not get its memory");
    return key;
}

bool writeAll(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

Result<void> writeSealingKeyFile(const std::string& path, const SealingKeyPair& pair,
                                 const std::string& passphrase) {
    if (passphrase.size() < 8)
        return badInput("passphrase: at least 8 characters");
    namespace fs = std::filesystem;
    std::error_code error;
    if (fs::exists(path, error))
        return badInput("sealing-key-out: " + path +
                        " already exists (an auditor's key file is "
                        "never overwritten)");
    std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
    randombytes_buf(salt.data(), salt.size());
    std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    auto key = boxKey(passphrase, salt, kFileOpsLimit, kFileMemLimit);
    if (!key)
        return key.error();
    std::array<std::uint8_t, crypto_secretbox_MACBYTES + 32> box{};
    crypto_secretbox_easy(box.data(), pair.secretKey.data(), pair.secretKey.size(), nonce.data(),
                          key->data());
    sodium_memzero(key->data(), key->size());
    const nlohmann::json json = {{"format", kSealingKeyFormat},
                                 {"kid", pair.kid},
                                 {"public_key", toHex(pair.publicKey)},
                                 {"created_at", pair.createdAt},
                                 {"kdf",
                                  {{"alg", "argon2id13"},
                                   {"opslimit", kFileOpsLimit},
                                   {"memlimit", kFileMemLimit},
                                   {"salt", toHex(salt)}}},
                                 {"nonce", toHex(nonce)},
                                 {"box", toHex(box)}};
    // Written under a temporary name in the same folder, synced, then linked into place: the
    // file is whole or absent, and link() refuses to replace one that appeared meanwhile.
    const std::string temporary = path + ".partial";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return environmentFault("sealing-key-out: cannot write " + temporary + ": " +
                                std::strerror(errno));
    const bool written = writeAll(fd, json.dump(2) + "\n") && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::link(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        return environmentFault("sealing-key-out: cannot write " + path + ": " + why);
    }
    ::unlink(temporary.c_str());
    return {};
}

Result<SealingKeyPair> readSealingKeyFile(const std::string& path, const std::string& passphrase) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return badInput("sealing-key: cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    const std::string malformed = "sealing-key: " + path + " is not a Doorpost sealing key file";
    if (!json.is_object() || json.value("format", "") != kSealingKeyFormat ||
        !json.contains("kdf") || !json["kdf"].is_object())
        return badInput(malformed);
    SealingKeyPair pair;
    const auto& kdf = json["kdf"];
    std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
    std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
    std::array<std::uint8_t, crypto_secretbox_MACBYTES + 32> box{};
    if (!json.value("kid", nlohmann::json()).is_string() ||
        !fromHex(json.value("public_key", ""), pair.publicKey) ||
        !fromHex(kdf.value("salt", ""), salt) || !fromHex(json.value("nonce", ""), nonce) ||
        !fromHex(json.value("box", ""), box) || kdf.value("alg", "") != "argon2id13" ||
        !kdf.value("opslimit", nlohmann::json()).is_number_unsigned() ||
        !kdf.value("memlimit", nlohmann::json()).is_number_unsigned())
        return badInput(malformed);
    const auto ops = kdf["opslimit"].get<unsigned long long>();
    const auto mem = kdf["memlimit"].get<std::size_t>();
    // Bounds, so a hostile file cannot make the opener allocate or spin without end.
    if (ops < 1 || ops > 20 || mem < 8192 || mem > (std::size_t{1} << 30))
        return badInput(malformed + " (kdf limits out of range)");
    pair.kid = json["kid"].get<std::string>();
    pair.createdAt = json.value("created_at", std::int64_t{0});
    auto key = boxKey(passphrase, salt, ops, mem);
    if (!key)
        return key.error();
    const int opened = crypto_secretbox_open_easy(pair.secretKey.data(), box.data(), box.size(),
                                                  nonce.data(), key->data());
    sodium_memzero(key->data(), key->size());
    if (opened != 0)
        return badInput("sealing-key: wrong passphrase for " + path);
    pass::SealPublicKey derived{};
    crypto_scalarmult_base(derived.data(), pair.secretKey.data());
    if (derived != pair.publicKey || pass::sealKeyId(pair.publicKey) != pair.kid)
        return badInput(malformed + " (its public key or kid was altered)");
    return pair;
}

Result<std::string> sealingPassphrase(const std::string& passphraseFile) {
    if (!passphraseFile.empty()) {
        std::ifstream in(passphraseFile, std::ios::binary);
        if (!in)
            return badInput("passphrase-file: cannot read " + passphraseFile);
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        return line;
    }
    if (const char* env = std::getenv(kPassphraseEnv); env && *env)
        return std::string(env);
    return badInput(std::string("passphrase: give --passphrase-file FILE or set ") +
                    kPassphraseEnv);
}

} // namespace doorpost::sync::central::cli
